/**
 * For the TURN end-to-end tests: coturn must be there in CI, and a page's peer connections can
 * be read back (the demo keeps its media room to itself, so the test records every
 * RTCPeerConnection the page makes, before the demo's code runs).
 */
import type { Page } from 'playwright-core';
import { findTurnserver, MISSING_TURNSERVER } from '../../../scripts/coturn.js';

export const haveTurnserver = findTurnserver() !== undefined;
if (!haveTurnserver && process.env.CI) {
  throw new Error(`CI needs coturn for the TURN end-to-end tests: ${MISSING_TURNSERVER}`);
}
if (!haveTurnserver) console.warn(`TURN end-to-end tests not run: ${MISSING_TURNSERVER}`);

/** Records the page's RTCPeerConnections from the next navigation on. */
export async function recordPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const all: RTCPeerConnection[] = [];
    (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = all;
    window.RTCPeerConnection = class extends Native {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        all.push(this);
      }
    };
  });
}

export interface SelectedPath {
  readonly policy: RTCIceTransportPolicy | undefined;
  readonly connection: RTCPeerConnectionState;
  /** The selected candidate pair's local and remote candidate types ('host', 'srflx', 'prflx', 'relay'). */
  readonly local: string | undefined;
  readonly remote: string | undefined;
  /** The TURN server the local relay candidate came from. */
  readonly localUrl: string | undefined;
  readonly bytesReceived: number;
  readonly bytesSent: number;
}

/** The selected candidate pair of each open peer connection of the page, from getStats(). */
export function selectedPaths(page: Page): Promise<SelectedPath[]> {
  return page.evaluate(async () => {
    const all = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const paths = [];
    for (const pc of all) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      // biome-ignore lint/suspicious/noExplicitAny: RTCStats records of several types
      let pair: any;
      stats.forEach((report) => {
        if (report.type === 'transport' && report.selectedCandidatePairId) {
          pair = stats.get(report.selectedCandidatePairId);
        }
      });
      const local = pair ? stats.get(pair.localCandidateId) : undefined;
      const remote = pair ? stats.get(pair.remoteCandidateId) : undefined;
      paths.push({
        policy: pc.getConfiguration().iceTransportPolicy,
        connection: pc.connectionState,
        local: local?.candidateType,
        remote: remote?.candidateType,
        localUrl: local?.url,
        bytesReceived: pair?.bytesReceived ?? 0,
        bytesSent: pair?.bytesSent ?? 0,
      });
    }
    return paths;
  });
}
