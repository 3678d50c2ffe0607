import type { SignalingEvent } from '@beckon/signaling';
import { endingEvents } from '@beckon/signaling/rules';
import type { EndedInvitation } from './store/types.js';

// What a snapshot tells a reconnecting client about the invitations that ended while it was
// away (issue 14): their ending events, bounded in count and in bytes.

/**
 * Ended invitations a snapshot tells the ending events of, at most (the newest first): how those
 * the client held ended while it was away. Older ones reach the client as `onInvitationVanished`.
 */
export const MAX_ENDED_IN_SNAPSHOT = 64;

/**
 * The catch-up and ending events of `ended` (newest first) that fit in `maxBytes` (a snapshot
 * page): a class round of a thousand answers must not make the last page unbounded. What does
 * not fit vanishes on the client.
 */
export function missedEvents(ended: readonly EndedInvitation[], maxBytes: number): SignalingEvent[] {
  const out: SignalingEvent[] = [];
  let bytes = 0;
  for (const { final, catchUp } of ended) {
    const events = [...catchUp, ...endingEvents(final)];
    bytes += JSON.stringify(events).length;
    if (bytes > maxBytes) break;
    out.push(...events);
  }
  return out;
}
