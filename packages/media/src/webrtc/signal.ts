import { isParticipantLimit } from '../roomAdapter.js';

/**
 * The messages two WebRTC peers exchange through the room's signaling. Every message carries
 * the sender's `session`: a random id per `join`, so a peer that reloads and joins again is told
 * apart from its previous self and gets a fresh connection.
 */
export type RtcSignal =
  /** An offer or answer (perfect negotiation: either side may offer). */
  | { readonly type: 'description'; readonly session: string; readonly description: RtcDescription }
  /** A trickled ICE candidate; `null` is the end of candidates. */
  | { readonly type: 'candidate'; readonly session: string; readonly candidate: RtcCandidate | null }
  /** What the sender is sending now (microphone unmuted, camera on). */
  | { readonly type: 'media'; readonly session: string; readonly audio: boolean; readonly video: boolean }
  /** The sender is leaving the room. */
  | { readonly type: 'bye'; readonly session: string }
  /**
   * The sender's room is full: it holds `limit` people (itself included) and refuses a connection
   * with the recipient, who drops its side of it too.
   */
  | { readonly type: 'full'; readonly session: string; readonly limit: number };

export type RtcSignalType = RtcSignal['type'];

export interface RtcDescription {
  readonly type: 'offer' | 'answer';
  readonly sdp: string;
}

/** `RTCIceCandidateInit` as JSON. At least one of `sdpMid` and `sdpMLineIndex` is set. */
export interface RtcCandidate {
  readonly candidate: string;
  readonly sdpMid?: string | null;
  readonly sdpMLineIndex?: number | null;
  readonly usernameFragment?: string | null;
}

/** An SDP larger than this is refused (audio + video with many candidates stays far below). */
export const MAX_SDP_LENGTH = 48 * 1024;
/** A candidate line larger than this is refused. */
export const MAX_CANDIDATE_LENGTH = 1024;
/** Longest session id, sdpMid or ICE username fragment accepted. */
export const MAX_TOKEN_LENGTH = 256;

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isToken(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_LENGTH;
}

function optionalNullable<T>(value: unknown, check: (v: unknown) => v is T): value is T | null | undefined {
  return value === undefined || value === null || check(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1024;
}

function isShortString(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TOKEN_LENGTH;
}

function parseDescription(value: unknown): RtcDescription | undefined {
  if (!isRecord(value)) return undefined;
  const { type, sdp } = value;
  if (type !== 'offer' && type !== 'answer') return undefined;
  if (typeof sdp !== 'string' || sdp.length === 0 || sdp.length > MAX_SDP_LENGTH) return undefined;
  return { type, sdp };
}

function parseCandidate(value: unknown): RtcCandidate | null | undefined {
  if (value === null) return null;
  if (!isRecord(value)) return undefined;
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = value;
  if (typeof candidate !== 'string' || candidate.length > MAX_CANDIDATE_LENGTH) return undefined;
  if (!optionalNullable(sdpMid, isShortString)) return undefined;
  if (!optionalNullable(sdpMLineIndex, isIndex)) return undefined;
  if (!optionalNullable(usernameFragment, isShortString)) return undefined;
  // addIceCandidate throws a TypeError when neither is given.
  if ((sdpMid ?? null) === null && (sdpMLineIndex ?? null) === null) return undefined;
  const parsed: { -readonly [K in keyof RtcCandidate]: RtcCandidate[K] } = { candidate };
  if (sdpMid !== undefined) parsed.sdpMid = sdpMid;
  if (sdpMLineIndex !== undefined) parsed.sdpMLineIndex = sdpMLineIndex;
  if (usernameFragment !== undefined) parsed.usernameFragment = usernameFragment;
  return parsed;
}

/**
 * Checks a message that came over the wire. Returns a fresh, well-formed {@link RtcSignal}, or
 * `undefined` for anything else; it never throws, whatever it is given.
 */
export function parseRtcSignal(value: unknown): RtcSignal | undefined {
  try {
    if (!isRecord(value)) return undefined;
    const { type, session } = value;
    if (!isToken(session)) return undefined;
    switch (type) {
      case 'description': {
        const description = parseDescription(value.description);
        return description && { type, session, description };
      }
      case 'candidate': {
        const candidate = parseCandidate(value.candidate);
        return candidate === undefined ? undefined : { type, session, candidate };
      }
      case 'media': {
        const { audio, video } = value;
        if (typeof audio !== 'boolean' || typeof video !== 'boolean') return undefined;
        return { type, session, audio, video };
      }
      case 'bye':
        return { type, session };
      case 'full': {
        const { limit } = value;
        if (!isParticipantLimit(limit)) return undefined;
        return { type, session, limit };
      }
      default:
        return undefined;
    }
  } catch {
    // A hostile object (a throwing getter, a revoked proxy) is just malformed input.
    return undefined;
  }
}

/**
 * The "perfect negotiation" role of the local side toward a remote user. The polite peer rolls
 * back its own offer when offers cross; the impolite one ignores the incoming offer. Both sides
 * compute the same answer from the two ids (compared by UTF-16 code units, never by locale), so
 * exactly one of them is polite.
 */
export function negotiationRole(localUserID: string, remoteUserID: string): 'polite' | 'impolite' {
  if (localUserID === remoteUserID) throw new Error('a user cannot negotiate with itself');
  return localUserID < remoteUserID ? 'polite' : 'impolite';
}
