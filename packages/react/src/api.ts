import { BeckonError } from '@beckon/signaling';

/** The server's HTTP API as the React layer uses it (TanStack Query reads through it). */
export interface GroupSummary {
  readonly groupID: string;
  readonly name: string;
  readonly code: string;
  readonly owner: string;
  readonly createdAt: number;
}

export interface GroupMember {
  readonly userID: string;
  readonly online: boolean;
  readonly owner: boolean;
}

export interface CallHistoryEntry {
  readonly inviteID: string;
  readonly roomID: string;
  readonly peer: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly callType: 1 | 2;
  readonly outcome: 'completed' | 'declined' | 'busy' | 'missed' | 'cancelled' | 'answered';
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly durationSeconds?: number;
  /** Who hung up, for completed one-to-one calls. */
  readonly endedBy?: string;
  /**
   * Group calls only (one entry per call): everyone else invited in the invitations this user
   * saw. `peer` is then the inviter, or, for the user's own call, its first callee.
   */
  readonly participants?: readonly string[];
  /** Group calls placed in a chat group: the group. */
  readonly groupID?: string;
}

/** STUN/TURN servers for calls (`GET /ice-servers`), with short-lived TURN credentials. */
export interface IceServers {
  readonly iceServers: RTCIceServer[];
  /** When the TURN credentials expire (ms since the epoch); null when they do not. */
  readonly expiresAt: number | null;
  /** 'relay' when the server wants media to go through TURN only. */
  readonly iceTransportPolicy: RTCIceTransportPolicy;
}

export interface BeckonApi {
  members(groupID: string): Promise<{ group: GroupSummary; members: GroupMember[] }>;
  history(): Promise<CallHistoryEntry[]>;
  createGroup(name: string): Promise<GroupSummary>;
  joinGroup(code: string): Promise<GroupSummary>;
  groups(): Promise<GroupSummary[]>;
  iceServers(): Promise<IceServers>;
}

/** An HTTP error from the Beckon server: its status and its Beckon error code. */
export class BeckonApiError extends BeckonError<number> {
  override name = 'BeckonApiError';
  readonly status: number;

  constructor(status: number, code: number, message: string) {
    super(code, message);
    this.status = status;
  }
}

export interface HttpApiOptions {
  /** The server's http(s) URL, e.g. `http://127.0.0.1:8787`. */
  readonly baseUrl: string;
  readonly token: string | (() => string | Promise<string>);
  readonly fetch?: typeof fetch;
}

/**
 * The server's HTTP API over `fetch`.
 *
 * @example
 * <BeckonProvider client={client} api={createHttpApi({ baseUrl, token: getToken })}>
 */
export function createHttpApi(options: HttpApiOptions): BeckonApi {
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = typeof options.token === 'string' ? options.token : await options.token();
    const res = await doFetch(`${options.baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await res.json().catch(() => ({}))) as { error?: { code?: number; message?: string } };
    if (!res.ok) {
      throw new BeckonApiError(
        res.status,
        json.error?.code ?? 0,
        json.error?.message ?? `HTTP ${res.status}`,
      );
    }
    return json as T;
  }
  return {
    members: (groupID) => call('GET', `/groups/${encodeURIComponent(groupID)}/members`),
    history: async () => (await call<{ entries: CallHistoryEntry[] }>('GET', '/history')).entries,
    createGroup: (name) => call('POST', '/groups', { name }),
    joinGroup: (code) => call('POST', '/groups/join', { code }),
    groups: async () => (await call<{ groups: GroupSummary[] }>('GET', '/groups')).groups,
    iceServers: () => call('GET', '/ice-servers'),
  };
}
