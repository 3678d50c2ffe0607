import { isValidId } from '@beckon/signaling/rules';
import { errors, jwtVerify, SignJWT } from 'jose';

export interface CreateTokenOptions {
  readonly secret: string;
  readonly userID: string;
  /** Lifetime in seconds; default one hour. */
  readonly ttlSeconds?: number;
}

/**
 * Mints an HS256 token for `userID` (`sub`), with the required `exp`.
 *
 * @example
 * const token = await createToken({ secret: process.env.BECKON_SECRET!, userID: 'alice' });
 */
export async function createToken(options: CreateTokenOptions): Promise<string> {
  if (!isValidId(options.userID)) throw new TypeError('userID must be a 1..128 character string');
  const ttl = options.ttlSeconds ?? 3600;
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userID)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
    .sign(new TextEncoder().encode(options.secret));
}

export type VerifyResult =
  | { readonly ok: true; readonly userID: string; readonly expiresAt: number }
  | { readonly ok: false; readonly reason: 'missing' | 'invalid' | 'expired' | 'lifetime' };

/** Longest token lifetime (`exp` - `iat`) the server accepts by default: one day. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 24 * 3600;

export interface VerifyOptions {
  /**
   * Tokens living longer than this (`exp` - `iat`, or `exp` - now without `iat`) are refused
   * with reason `lifetime`. Default one day.
   */
  readonly maxLifetimeSeconds?: number;
  readonly now?: number;
}

/** Checks signature (HS256 only), `exp`, `sub` and the token's lifetime; never throws. */
export async function verifyToken(
  secret: string,
  token: string | undefined,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  if (!token) return { ok: false, reason: 'missing' };
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub'],
    });
    const sub = payload.sub;
    if (!isValidId(sub)) return { ok: false, reason: 'invalid' };
    const exp = payload.exp ?? 0;
    const issued = payload.iat ?? Math.floor((options.now ?? Date.now()) / 1000);
    if (exp - issued > (options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS))
      return { ok: false, reason: 'lifetime' };
    return { ok: true, userID: sub, expiresAt: exp * 1000 };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
