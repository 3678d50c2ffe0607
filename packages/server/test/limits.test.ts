import { ErrorCode, type SignalingErrorInfo, WebSocketTransport } from '@beckon/signaling';
import { CloseCode } from '@beckon/signaling/rules';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth.js';
import type { BeckonServer, BeckonServerOptions } from '../src/server.js';
import { api, NodeWebSocket, SECRET, startServer, waitFor } from './helpers.js';
import { madeUpInviteesCostNothing } from './madeUpInvitees.js';
import { burst, loginRaw, type RawClient } from './raw.js';

// Per-user limits over real sockets: one token must not multiply its share of the server.

let server: BeckonServer | undefined;
const raws: RawClient[] = [];
const transports: WebSocketTransport[] = [];

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  for (const raw of raws.splice(0)) raw.ws.terminate();
  await server?.close();
  server = undefined;
});

async function start(options: BeckonServerOptions): Promise<BeckonServer> {
  server = await startServer(options);
  return server;
}

const login = (s: BeckonServer, userID: string) => loginRaw(s, userID, raws);

const invite = (to: string, timeout = 0) => ({
  op: 'invite',
  groupID: '',
  inviteeList: [to],
  data: '',
  timeout,
  onlineUserOnly: false,
});

describe('sockets per user', () => {
  it('a new socket over the cap closes the oldest with 4009; the others stay served', async () => {
    const s = await start({ maxConnectionsPerUser: 2 });
    const first = await login(s, 'alice');
    const second = await login(s, 'alice');
    expect(s.connectionsOf('alice')).toBe(2);
    const third = await login(s, 'alice');
    const closed = await first.closed;
    expect(closed.code).toBe(CloseCode.TOO_MANY_CONNECTIONS);
    expect(closed.reason).toContain('more than 2 connections');
    expect(s.connectionsOf('alice')).toBe(2);
    for (const client of [second, third]) {
      const from = client.frames.length;
      client.send({ t: 'ping', ts: 7 });
      await client.waitFrame((f) => f.t === 'pong', from);
    }
    // Another user is not counted with alice.
    await login(s, 'bob');
    expect(second.isClosed()).toBe(false);
  });

  it('the closed client stops reconnecting and reports 9011 instead of pushing out the next socket', async () => {
    const s = await start({ maxConnectionsPerUser: 1 });
    const token = await createToken({ secret: SECRET, userID: 'alice' });
    const states: Array<{ state: string; error?: SignalingErrorInfo }> = [];
    const transport = new WebSocketTransport({
      url: s.wsUrl,
      token: () => token,
      WebSocket: NodeWebSocket,
      reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
    });
    transports.push(transport);
    transport.connect({
      onStateChange: (state, error) => states.push(error === undefined ? { state } : { state, error }),
      onSession: () => {},
      onSnapshot: () => {},
      onEvent: () => {},
    });
    await waitFor(() => states.some((s) => s.state === 'connected'), 3000, 'the transport to connect');
    const newer = await login(s, 'alice');
    await waitFor(() => states.some((s) => s.state === 'closed'), 3000, 'the transport to give up');
    expect(states.at(-1)?.error?.code).toBe(ErrorCode.LIMIT_EXCEEDED);
    expect(newer.isClosed()).toBe(false);
    expect(s.connectionsOf('alice')).toBe(1);
  });
});

describe('requests per user', () => {
  it('counts every socket of the user together, and not other users', async () => {
    const s = await start({ userRateLimit: { burst: 6, perSecond: 0.01 } });
    const a = await login(s, 'alice');
    const b = await login(s, 'alice');
    const replies = [
      ...(await burst(
        a,
        1,
        Array.from({ length: 4 }, () => invite('zed')),
      )),
      ...(await burst(
        b,
        1,
        Array.from({ length: 4 }, () => invite('zed')),
      )),
    ];
    expect(replies.filter((r) => r.ok === true)).toHaveLength(6);
    const limited = replies.filter((r) => r.ok === false);
    expect(limited).toHaveLength(2);
    for (const r of limited) {
      expect(r.error?.code).toBe(ErrorCode.RATE_LIMITED);
      expect(r.error?.message).toBe('too many requests from this user');
      expect(r.error?.details?.retryAfterMs).toBeGreaterThan(0);
    }
    // Each socket alone stayed under its own limit (100); bob has his own budget.
    const bob = await login(s, 'bob');
    const [ok] = await burst(bob, 1, [invite('zed')]);
    expect(ok?.ok).toBe(true);
  });

  it('a fresh socket does not buy a fresh burst', async () => {
    const s = await start({ userRateLimit: { burst: 3, perSecond: 0.01 } });
    const a = await login(s, 'alice');
    await burst(
      a,
      1,
      Array.from({ length: 3 }, () => invite('zed')),
    );
    a.ws.close();
    await waitFor(() => s.connectionsOf('alice') === 0, 3000, 'alice to leave');
    const again = await login(s, 'alice');
    const [reply] = await burst(again, 1, [invite('zed')]);
    expect(reply?.error?.code).toBe(ErrorCode.RATE_LIMITED);
  });
});

describe('made-up invitees', () => {
  it('invitations to user ids that never signed in leave no log behind; a first sign-in still finds what is active', async () => {
    const s = await start({});
    await madeUpInviteesCostNothing(s, s, raws, (n) => n);
  });
});

describe('active invitations per inviter', () => {
  it('refuses the invite over the cap with 9011 until one ends', async () => {
    const s = await start({ maxActiveInvitations: 3 });
    const a = await login(s, 'alice');
    const ok = await burst(a, 1, [invite('x1'), invite('x2'), invite('x3')]);
    expect(ok.every((r) => r.ok === true)).toBe(true);
    const [refused] = await burst(a, 10, [invite('x4')]);
    expect(refused?.ok).toBe(false);
    expect(refused?.error?.code).toBe(ErrorCode.LIMIT_EXCEEDED);
    expect(refused?.error?.details).toEqual({ field: 'activeInvitations', limit: 3 });
    expect(await s.store.activeInvitations('alice')).toBe(3);
    // Others are not counted with alice.
    const b = await login(s, 'bob');
    expect((await burst(b, 1, [invite('x1')]))[0]?.ok).toBe(true);
    // Ending one frees a place.
    const [cancelled] = await burst(a, 20, [{ op: 'cancel', inviteID: ok[0]?.inviteID, data: '' }]);
    expect(cancelled?.ok).toBe(true);
    expect(await s.store.activeInvitations('alice')).toBe(2);
    expect((await burst(a, 30, [invite('x5')]))[0]?.ok).toBe(true);
  });

  it('holds under a burst of concurrent invites from several sockets', async () => {
    const s = await start({ maxActiveInvitations: 5 });
    const sockets = [await login(s, 'alice'), await login(s, 'alice'), await login(s, 'alice')];
    const replies = (
      await Promise.all(
        sockets.map((socket) =>
          burst(
            socket,
            1,
            Array.from({ length: 6 }, (_, i) => invite(`u${i}`)),
          ),
        ),
      )
    ).flat();
    expect(replies.filter((r) => r.ok === true)).toHaveLength(5);
    expect(replies.filter((r) => r.error?.code === ErrorCode.LIMIT_EXCEEDED)).toHaveLength(13);
    expect(await s.store.activeInvitations('alice')).toBe(5);
  });

  it('invitations that time out leave the count', async () => {
    const s = await start({ maxActiveInvitations: 1 });
    const a = await login(s, 'alice');
    expect((await burst(a, 1, [invite('x1', 1)]))[0]?.ok).toBe(true);
    await a.waitFrame((f) => f.t === 'ev' && (f.ev as { kind?: string }).kind === 'timeout', 0, 4000);
    expect(await s.store.activeInvitations('alice')).toBe(0);
    expect((await burst(a, 2, [invite('x2')]))[0]?.ok).toBe(true);
  });
});

describe('options', () => {
  it('refuses limits that are not positive', async () => {
    await expect(startServer({ maxConnectionsPerUser: 0 })).rejects.toThrow(/maxConnectionsPerUser/);
    await expect(startServer({ maxActiveInvitations: 1.5 })).rejects.toThrow(/maxActiveInvitations/);
    await expect(startServer({ userRateLimit: { perSecond: -1 } })).rejects.toThrow(/perSecond/);
    await expect(startServer({ maxGroupsPerUser: 0 })).rejects.toThrow(/maxGroupsPerUser/);
  });
});

describe('groups per user', () => {
  it('refuses a group past maxGroupsPerUser with 403 and 9011; leaving gives no place back; others and joins are not counted', async () => {
    const s = await start({ maxGroupsPerUser: 2 });
    const token = (userID: string) => createToken({ secret: SECRET, userID });
    const alice = await token('alice');
    const made = [];
    for (const name of ['one', 'two']) made.push(await api(s, 'POST', '/groups', alice, { name }));
    expect(made.map((r) => r.status)).toEqual([201, 201]);
    const refused = await api(s, 'POST', '/groups', alice, { name: 'three' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: ErrorCode.LIMIT_EXCEEDED,
      details: { field: 'groups', limit: 2 },
    });
    expect((await api(s, 'GET', '/groups', alice)).body.groups).toHaveLength(2);
    // Groups are kept: leaving one does not let her make another.
    await api(s, 'POST', `/groups/${made[0]?.body.groupID}/leave`, alice);
    expect((await api(s, 'POST', '/groups', alice, { name: 'again' })).status).toBe(403);
    // Bob has his own places, and joining a group is not creating one.
    const bob = await token('bob');
    const bobs = await api(s, 'POST', '/groups', bob, { name: 'bobs' });
    expect(bobs.status).toBe(201);
    expect((await api(s, 'POST', '/groups/join', alice, { code: bobs.body.code })).status).toBe(200);
  });
});
