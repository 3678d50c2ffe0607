import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';

/**
 * TRTC / Tencent Cloud Chat UserSig, the public TLSSigAPIv2 algorithm:
 *
 * 1. sig = base64(HMAC-SHA256(secretKey, "TLS.identifier:{userId}\nTLS.sdkappid:{sdkAppId}\n
 *    TLS.time:{time}\nTLS.expire:{expire}\n")), with `time` the issue time in Unix seconds and
 *    `expire` the validity in seconds;
 * 2. doc = JSON { "TLS.ver": "2.0", "TLS.identifier", "TLS.sdkappid", "TLS.time", "TLS.expire", "TLS.sig" };
 * 3. userSig = base64(zlib-deflate(doc)) with '+' → '*', '/' → '-', '=' → '_'.
 *
 * Server side only: the secret key must never be sent to a browser.
 */
export interface UserSigOptions {
  /** The TRTC application id. */
  readonly sdkAppId: number;
  /** The application's secret key (TRTC_SECRET_KEY). */
  readonly secretKey: string;
  readonly userId: string;
  /** How long the signature is valid, in seconds. Default 86,400 (one day). */
  readonly expireSeconds?: number;
  /** The issue time in Unix seconds; default now. For tests and test vectors. */
  readonly currentTime?: number;
}

/** The decoded content of a UserSig. */
export interface UserSigDocument {
  readonly 'TLS.ver': '2.0';
  readonly 'TLS.identifier': string;
  readonly 'TLS.sdkappid': number;
  readonly 'TLS.time': number;
  readonly 'TLS.expire': number;
  readonly 'TLS.sig': string;
}

export const DEFAULT_USER_SIG_EXPIRE_SECONDS = 86_400;

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function hmacBase64(
  secretKey: string,
  userId: string,
  sdkAppId: number,
  time: number,
  expire: number,
): string {
  const content =
    `TLS.identifier:${userId}\n` +
    `TLS.sdkappid:${sdkAppId}\n` +
    `TLS.time:${time}\n` +
    `TLS.expire:${expire}\n`;
  return createHmac('sha256', secretKey).update(content, 'utf8').digest('base64');
}

function escapeBase64(base64: string): string {
  return base64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

function unescapeBase64(escaped: string): string {
  return escaped.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
}

/** Mints a UserSig for `userId` (see {@link UserSigOptions} for the algorithm). */
export function createUserSig(options: UserSigOptions): string {
  const { sdkAppId, secretKey, userId } = options;
  const expire = options.expireSeconds ?? DEFAULT_USER_SIG_EXPIRE_SECONDS;
  const time = options.currentTime ?? Math.floor(Date.now() / 1000);
  if (!isPositiveInteger(sdkAppId)) throw new RangeError('sdkAppId must be a positive integer');
  if (typeof secretKey !== 'string' || secretKey === '') throw new RangeError('secretKey must not be empty');
  if (typeof userId !== 'string' || userId === '') throw new RangeError('userId must not be empty');
  if (!isPositiveInteger(expire)) throw new RangeError('expireSeconds must be a positive integer');
  if (!isPositiveInteger(time)) throw new RangeError('currentTime must be a positive integer (Unix seconds)');
  const doc: UserSigDocument = {
    'TLS.ver': '2.0',
    'TLS.identifier': userId,
    'TLS.sdkappid': sdkAppId,
    'TLS.time': time,
    'TLS.expire': expire,
    'TLS.sig': hmacBase64(secretKey, userId, sdkAppId, time, expire),
  };
  return escapeBase64(deflateSync(Buffer.from(JSON.stringify(doc), 'utf8')).toString('base64'));
}

/** Decodes a UserSig without checking its signature; undefined when it is not one. */
export function decodeUserSig(userSig: string): UserSigDocument | undefined {
  try {
    if (typeof userSig !== 'string' || !/^[A-Za-z0-9*_-]+$/.test(userSig)) return undefined;
    const json: unknown = JSON.parse(
      inflateSync(Buffer.from(unescapeBase64(userSig), 'base64')).toString('utf8'),
    );
    if (typeof json !== 'object' || json === null) return undefined;
    const doc = json as Record<string, unknown>;
    if (doc['TLS.ver'] !== '2.0') return undefined;
    const identifier = doc['TLS.identifier'];
    const sdkappid = doc['TLS.sdkappid'];
    const time = doc['TLS.time'];
    const expire = doc['TLS.expire'];
    const sig = doc['TLS.sig'];
    if (typeof identifier !== 'string' || typeof sig !== 'string') return undefined;
    if (!isPositiveInteger(sdkappid) || !isPositiveInteger(time) || !isPositiveInteger(expire))
      return undefined;
    return {
      'TLS.ver': '2.0',
      'TLS.identifier': identifier,
      'TLS.sdkappid': sdkappid,
      'TLS.time': time,
      'TLS.expire': expire,
      'TLS.sig': sig,
    };
  } catch {
    return undefined;
  }
}

export type VerifyUserSigResult =
  | { readonly ok: true; readonly document: UserSigDocument }
  | {
      readonly ok: false;
      readonly reason: 'malformed' | 'wrong-app' | 'wrong-user' | 'bad-signature' | 'expired';
    };

export interface VerifyUserSigOptions {
  readonly userSig: string;
  readonly sdkAppId: number;
  readonly secretKey: string;
  /** When given, the signature must be for this user. */
  readonly userId?: string;
  /** Unix seconds to check expiry against; default now. */
  readonly currentTime?: number;
}

/**
 * Checks a UserSig the way the service does: decode, recompute the HMAC over the same content
 * and compare in constant time, then check that `time + expire` is still ahead.
 */
export function verifyUserSig(options: VerifyUserSigOptions): VerifyUserSigResult {
  const doc = decodeUserSig(options.userSig);
  if (doc === undefined) return { ok: false, reason: 'malformed' };
  if (doc['TLS.sdkappid'] !== options.sdkAppId) return { ok: false, reason: 'wrong-app' };
  if (options.userId !== undefined && doc['TLS.identifier'] !== options.userId) {
    return { ok: false, reason: 'wrong-user' };
  }
  const expected = Buffer.from(
    hmacBase64(
      options.secretKey,
      doc['TLS.identifier'],
      doc['TLS.sdkappid'],
      doc['TLS.time'],
      doc['TLS.expire'],
    ),
  );
  const actual = Buffer.from(doc['TLS.sig']);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }
  const now = options.currentTime ?? Math.floor(Date.now() / 1000);
  if (doc['TLS.time'] + doc['TLS.expire'] <= now) return { ok: false, reason: 'expired' };
  return { ok: true, document: doc };
}
