import { SignalingClient, WebSocketTransport } from '@beckon/signaling';
import type { TencentChatFactory } from '@beckon/tencent';
import type { TencentConfig } from './config.js';

/** Media through TRTC rooms: the app id and this user's UserSig (fetched again for each room). */
export interface TrtcAccess {
  readonly sdkAppId: number;
  readonly userSig: () => Promise<string>;
}

interface SessionBase {
  readonly userID: string;
  readonly client: SignalingClient;
  /** Set when media go through TRTC; otherwise peer to peer, signaled through the Beckon server. */
  readonly trtc: TrtcAccess | undefined;
}

/** Signaling on the Beckon server, which also lists people and keeps call history. */
export interface BeckonSession extends SessionBase {
  readonly mode: 'beckon';
  readonly token: () => Promise<string>;
}

/** Signaling on Tencent Cloud Chat, media on TRTC: no Beckon server, so no lobby or history. */
export interface TencentSession extends SessionBase {
  readonly mode: 'tencent';
  readonly trtc: TrtcAccess;
}

export type Session = BeckonSession | TencentSession;

/** The server mints TRTC UserSigs when it has credentials (the secret never reaches us). */
async function trtcConfig(token: () => Promise<string>): Promise<TrtcAccess | undefined> {
  const fetchSig = async () => {
    const res = await fetch('/trtc/usersig', { headers: { authorization: `Bearer ${await token()}` } });
    return res.ok ? ((await res.json()) as { sdkAppId: number; userSig: string }) : undefined;
  };
  const first = await fetchSig();
  if (first === undefined) return undefined;
  return {
    sdkAppId: first.sdkAppId,
    userSig: async () => (await fetchSig())?.userSig ?? first.userSig,
  };
}

/** Dev tokens from the demo server (dev mode only), refreshed on every reconnection. */
async function devToken(userID: string): Promise<string> {
  const res = await fetch(`/dev/token?user=${encodeURIComponent(userID)}`);
  const body = (await res.json()) as { token?: string; error?: { message?: string } };
  if (!res.ok || !body.token) throw new Error(body.error?.message ?? `sign-in failed (${res.status})`);
  return body.token;
}

export async function signIn(userID: string): Promise<BeckonSession> {
  await devToken(userID); // Fail here, with the server's reason, before anything connects.
  const token = () => devToken(userID);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const transport = new WebSocketTransport({ url: `${scheme}://${location.host}/ws`, token });
  return {
    mode: 'beckon',
    userID,
    client: new SignalingClient({ transport }),
    token,
    trtc: await trtcConfig(token),
  };
}

export interface TencentSignInOptions {
  /** Resolves a relative endpoint; the page's address by default. */
  readonly base?: string;
  /** The chat instance's factory (tests); by default `@tencentcloud/chat`'s `create`. */
  readonly createChat?: TencentChatFactory;
}

/**
 * This user's UserSig from the app's endpoint: `GET <url>?userID=NAME` with the page's cookies,
 * answering `{ "userSig": "..." }` (and optionally `sdkAppId`, checked against the build's).
 */
export async function fetchUserSig(
  config: TencentConfig,
  userID: string,
  options: Pick<TencentSignInOptions, 'base'> = {},
): Promise<string> {
  const url = new URL(config.userSigUrl, options.base ?? globalThis.location?.href);
  url.searchParams.set('userID', userID);
  const where = `the UserSig endpoint ${url.origin}${url.pathname}`;
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'include' });
  } catch (cause) {
    throw new Error(`could not reach ${where}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const body = (await res.json().catch(() => undefined)) as
    | { userSig?: unknown; sdkAppId?: unknown; error?: { message?: unknown } }
    | undefined;
  if (!res.ok) {
    const reason = typeof body?.error?.message === 'string' ? `: ${body.error.message}` : '';
    throw new Error(`${where} answered ${res.status}${reason}`);
  }
  if (typeof body?.userSig !== 'string' || body.userSig === '') {
    throw new Error(`${where} must answer JSON { "userSig": "…" }`);
  }
  if (body.sdkAppId !== undefined && body.sdkAppId !== config.sdkAppId) {
    throw new Error(
      `${where} signs for SDKAppID ${String(body.sdkAppId)}, but this demo is built for ${config.sdkAppId}`,
    );
  }
  return body.userSig;
}

/** Room ids as TUICallKit makes them, random TRTC room numbers, so its apps enter the same room. */
export function trtcRoomNumber(): string {
  const [n = 0] = crypto.getRandomValues(new Uint32Array(1));
  return String((n % 2_147_483_646) + 1);
}

/**
 * Tencent mode: signaling through `@beckon/tencent` (loaded only now, with the chat SDK), media
 * through TRTC, one UserSig for both (one SDKAppID serves Chat and TRTC).
 */
export async function signInTencent(
  userID: string,
  config: TencentConfig,
  options: TencentSignInOptions = {},
): Promise<TencentSession> {
  const userSig = () => fetchUserSig(config, userID, options);
  await userSig(); // Fail here, with the endpoint's reason, before anything logs in.
  const { TencentTransport } = await import('@beckon/tencent');
  const transport = new TencentTransport({
    SDKAppID: config.sdkAppId,
    userID,
    userSig,
    createChat: options.createChat,
  });
  return {
    mode: 'tencent',
    userID,
    client: new SignalingClient({ transport }),
    trtc: { sdkAppId: config.sdkAppId, userSig },
  };
}
