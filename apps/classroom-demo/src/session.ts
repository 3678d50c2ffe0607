import { SignalingClient, WebSocketTransport } from '@beckon/signaling';

export type Role = 'teacher' | 'student';

export interface Saved {
  readonly userID: string;
  readonly role: Role;
  readonly groupID: string;
  readonly code: string;
}

export interface Session extends Saved {
  readonly client: SignalingClient;
  readonly token: () => Promise<string>;
}

const KEY = 'beckon-classroom';

async function devToken(userID: string): Promise<string> {
  const res = await fetch(`/dev/token?user=${encodeURIComponent(userID)}`);
  const body = (await res.json()) as { token?: string; error?: { message?: string } };
  if (!res.ok || !body.token) throw new Error(body.error?.message ?? `sign-in failed (${res.status})`);
  return body.token;
}

async function api<T>(token: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!res.ok) throw new Error(json.error?.message ?? `request failed (${res.status})`);
  return json;
}

function connect(saved: Saved): Session {
  const token = () => devToken(saved.userID);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const transport = new WebSocketTransport({ url: `${scheme}://${location.host}/ws`, token });
  // Kept for this tab, so a reload rejoins the class and sees the round as it is.
  sessionStorage.setItem(KEY, JSON.stringify(saved));
  return { ...saved, client: new SignalingClient({ transport }), token };
}

/** A teacher creates a class (a group) and gets its join code. */
export async function createClass(userID: string, name: string): Promise<Session> {
  const group = await api<{ groupID: string; code: string }>(await devToken(userID), '/groups', { name });
  return connect({ userID, role: 'teacher', groupID: group.groupID, code: group.code });
}

/** A student joins with the code. */
export async function joinClass(userID: string, code: string): Promise<Session> {
  const group = await api<{ groupID: string; code: string }>(await devToken(userID), '/groups/join', {
    code,
  });
  return connect({ userID, role: 'student', groupID: group.groupID, code: group.code });
}

export function resume(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    return connect(JSON.parse(raw) as Saved);
  } catch {
    return undefined;
  }
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}

/** The link a teacher shares: it opens this page with the code filled in (`?join=CODE`). */
export function joinLink(code: string): string {
  const url = new URL(location.pathname, location.origin);
  url.searchParams.set('join', code);
  return url.href;
}

/** The code of the join link this page was opened with, if any. */
export function codeFromLink(): string {
  return new URLSearchParams(location.search).get('join') ?? '';
}
