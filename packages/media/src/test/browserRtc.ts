// Shared by the WebRTC browser tests (the 'media' Vitest project): loopback-only ICE and polling.
import type { RtcSignal } from '../webrtc/signal.js';

/** The address of a candidate line: `candidate:<foundation> <component> <protocol> <priority> <address> ...`. */
function candidateAddress(line: string): string | undefined {
  return line.replace(/^a=/, '').split(' ')[4];
}

/** Keeps the peers on the loopback interface: drops every other candidate, in trickle and in SDPs. */
export function loopbackOnly(message: RtcSignal): RtcSignal | undefined {
  const isLoopback = (line: string) => candidateAddress(line)?.startsWith('127.') ?? false;
  if (message.type === 'candidate' && message.candidate !== null && message.candidate.candidate !== '') {
    return isLoopback(message.candidate.candidate) ? message : undefined;
  }
  if (message.type === 'description') {
    const sdp = message.description.sdp
      .split('\r\n')
      .filter((line) => !line.startsWith('a=candidate:') || isLoopback(line))
      .join('\r\n');
    return { ...message, description: { ...message.description, sdp } };
  }
  return message;
}

/** Polls `check` every 25 ms until it gives a value. */
export function until<T>(what: string, check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      const value = check();
      if (value !== undefined) resolve(value);
      else if (performance.now() - started > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 25);
    };
    poll();
  });
}
