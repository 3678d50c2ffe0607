import { SignalingClient, WebSocketTransport } from '@beckon/signaling';

export interface Session {
  readonly userID: string;
  readonly client: SignalingClient;
  readonly token: () => Promise<string>;
  /** Set when the server has TRTC credentials: media then go through TRTC rooms. */
  readonly trtc: { readonly sdkAppId: number; readonly userSig: () => Promise<string> } | undefined;
}

/** The server mints TRTC UserSigs when it has credentials (the secret never reaches us). */
async function trtcConfig(token: () => Promise<string>): Promise<Session['trtc']> {
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

export async function signIn(userID: string): Promise<Session> {
  await devToken(userID); // Fail here, with the server's reason, before anything connects.
  const token = () => devToken(userID);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const transport = new WebSocketTransport({ url: `${scheme}://${location.host}/ws`, token });
  return { userID, client: new SignalingClient({ transport }), token, trtc: await trtcConfig(token) };
}
