import { createHmac } from 'node:crypto';

/**
 * STUN/TURN servers handed to signed-in users (`GET /ice-servers`). TURN credentials follow
 * coturn's TURN REST API (`use-auth-secret` + `static-auth-secret`): the username is
 * `<expiry unix seconds>:<userID>` and the credential is base64(HMAC-SHA1(secret, username)), so
 * coturn checks them with the shared secret alone and no long-lived password reaches a browser.
 */
export interface IceServersOptions {
  /** `stun:` / `stuns:` URLs, handed out without credentials. */
  readonly stunUrls?: readonly string[];
  /** `turn:` / `turns:` URLs; each user gets time-limited credentials for them. Needs `secret`. */
  readonly turnUrls?: readonly string[];
  /** coturn's `static-auth-secret`. */
  readonly secret?: string;
  /** How long the TURN credentials last. Default 3600 s; 60 s to 24 h. */
  readonly ttlSeconds?: number;
  /**
   * Tell clients to send media only through TURN (`iceTransportPolicy: 'relay'`): peers never
   * learn each other's IP addresses. Needs `turnUrls`.
   */
  readonly relayOnly?: boolean;
}

/** What `GET /ice-servers` answers. */
export interface IceServersBody {
  readonly iceServers: RtcIceServer[];
  /** When the TURN credentials stop working (ms since the epoch); null when there are none. */
  readonly expiresAt: number | null;
  /** 'relay' when media must go through TURN. */
  readonly iceTransportPolicy: 'all' | 'relay';
}

/** The fields of the browser's RTCIceServer the server fills (the server has no DOM types). */
export interface RtcIceServer {
  readonly urls: string[];
  readonly username?: string;
  readonly credential?: string;
}

/** Bad STUN/TURN settings (a URL of the wrong scheme, TURN without a secret, a TTL out of range). */
export class IceServersConfigError extends Error {
  override readonly name = 'IceServersConfigError';
}

export const DEFAULT_TURN_TTL_SECONDS = 3600;
export const MAX_TURN_TTL_SECONDS = 24 * 3600;
const MIN_TURN_TTL_SECONDS = 60;

/** Checked options, ready to mint credentials. */
export interface IceServersConfig {
  readonly stunUrls: readonly string[];
  readonly turnUrls: readonly string[];
  readonly secret: string;
  readonly ttlSeconds: number;
  readonly relayOnly: boolean;
}

function checkUrls(urls: readonly string[], schemes: RegExp, what: string): string[] {
  for (const url of urls) {
    if (!schemes.test(url)) throw new IceServersConfigError(`not a ${what} URL: ${JSON.stringify(url)}`);
  }
  return [...urls];
}

/**
 * Checks the options; undefined when there is nothing to hand out (then `GET /ice-servers`
 * answers an empty list and calls use host candidates only, as without this feature).
 */
export function resolveIceServers(options: IceServersOptions | undefined): IceServersConfig | undefined {
  if (options === undefined) return undefined;
  const stunUrls = checkUrls(options.stunUrls ?? [], /^stuns?:[^\s]+$/, 'stun:/stuns:');
  const turnUrls = checkUrls(options.turnUrls ?? [], /^turns?:[^\s]+$/, 'turn:/turns:');
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS;
  if (
    !Number.isInteger(ttlSeconds) ||
    ttlSeconds < MIN_TURN_TTL_SECONDS ||
    ttlSeconds > MAX_TURN_TTL_SECONDS
  ) {
    throw new IceServersConfigError(
      `the TURN credential TTL must be ${MIN_TURN_TTL_SECONDS}..${MAX_TURN_TTL_SECONDS} seconds, not ${ttlSeconds}`,
    );
  }
  const secret = options.secret ?? '';
  if (turnUrls.length > 0 && secret === '') {
    throw new IceServersConfigError("TURN URLs need the shared secret (coturn's static-auth-secret)");
  }
  const relayOnly = options.relayOnly ?? false;
  if (relayOnly && turnUrls.length === 0) throw new IceServersConfigError('relay-only needs TURN URLs');
  if (stunUrls.length === 0 && turnUrls.length === 0) return undefined;
  return { stunUrls, turnUrls, secret, ttlSeconds, relayOnly };
}

/**
 * TURN REST API credentials for `userID`, valid until `expiresAtSeconds` (unix seconds).
 *
 * @example
 * const { username, credential } = turnCredentials('s3cret', 'alice', 1_900_000_000);
 * // username '1900000000:alice'; coturn with `static-auth-secret=s3cret` accepts the pair.
 */
export function turnCredentials(
  secret: string,
  userID: string,
  expiresAtSeconds: number,
): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:${userID}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/** The ICE servers for one user, now (ms since the epoch). */
export function iceServersFor(
  config: IceServersConfig | undefined,
  userID: string,
  now: number,
): IceServersBody {
  if (config === undefined) return { iceServers: [], expiresAt: null, iceTransportPolicy: 'all' };
  const iceServers: RtcIceServer[] = [];
  if (config.stunUrls.length > 0) iceServers.push({ urls: [...config.stunUrls] });
  if (config.turnUrls.length === 0) return { iceServers, expiresAt: null, iceTransportPolicy: 'all' };
  const expiresAtSeconds = Math.floor(now / 1000) + config.ttlSeconds;
  iceServers.push({
    urls: [...config.turnUrls],
    ...turnCredentials(config.secret, userID, expiresAtSeconds),
  });
  return {
    iceServers,
    expiresAt: expiresAtSeconds * 1000,
    iceTransportPolicy: config.relayOnly ? 'relay' : 'all',
  };
}

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '') ?? [];

/**
 * STUN/TURN settings from the environment: `BECKON_STUN_URLS`, `BECKON_TURN_URLS` (comma
 * separated), `BECKON_TURN_SECRET`, `BECKON_TURN_TTL` (seconds), `BECKON_TURN_RELAY_ONLY=1`.
 * Undefined when no URL is set.
 */
export function iceServersFromEnv(env: NodeJS.ProcessEnv = process.env): IceServersOptions | undefined {
  const stunUrls = list(env.BECKON_STUN_URLS);
  const turnUrls = list(env.BECKON_TURN_URLS);
  if (stunUrls.length === 0 && turnUrls.length === 0) return undefined;
  const ttl = env.BECKON_TURN_TTL;
  return {
    stunUrls,
    turnUrls,
    ...(env.BECKON_TURN_SECRET ? { secret: env.BECKON_TURN_SECRET } : {}),
    ...(ttl ? { ttlSeconds: Number(ttl) } : {}),
    ...(env.BECKON_TURN_RELAY_ONLY === '1' ? { relayOnly: true } : {}),
  };
}
