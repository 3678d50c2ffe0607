import { type ConnectionState, type SignalingErrorInfo, WebSocketTransport } from '@beckon/signaling';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createToken } from '../src/auth.js';
import type { BeckonServer, BeckonServerOptions } from '../src/server.js';
import { api, connectUser, NodeWebSocket, SECRET, startServer, type TestUser, waitFor } from './helpers.js';
import { openRaw, type RawClient } from './raw.js';

// Bad input over real sockets against a real (in-process) server. After every case the server
// must still serve well-behaved clients, and the offender must have been told what was wrong.

let server: BeckonServer | undefined;
const users: TestUser[] = [];
const raws: RawClient[] = [];
const transports: WebSocketTransport[] = [];

afterEach(async () => {
  for (const user of users.splice(0)) user.client.close();
  for (const transport of transports.splice(0)) transport.close();
  for (const raw of raws.splice(0)) raw.ws.terminate();
  await server?.close();
  server = undefined;
});

async function setup(options: BeckonServerOptions = {}) {
  server = await startServer(options);
  const alice = await connectUser(server, 'alice');
  const bob = await connectUser(server, 'bob');
  users.push(alice, bob);
  return { server, alice, bob };
}

async function user(s: BeckonServer, userID: string): Promise<TestUser> {
  const u = await connectUser(s, userID);
  users.push(u);
  return u;
}

async function raw(s: BeckonServer, userID?: string): Promise<RawClient> {
  const client = await openRaw(s.wsUrl);
  raws.push(client);
  if (userID !== undefined) await client.auth(await createToken({ secret: SECRET, userID }));
  return client;
}

/** Two well-behaved users can still invite and accept, end to end. */
async function expectHealthy(from: TestUser, to: TestUser): Promise<void> {
  const inviteID = await from.client.invite(to.userID, 'still healthy', { timeout: 30 });
  await waitFor(
    () => to.events('onReceiveNewInvitation').some((e) => e.inviteID === inviteID),
    3000,
    `${to.userID} to ring`,
  );
  await to.client.accept(inviteID);
  await waitFor(
    () => from.events('onInviteeAccepted').some((e) => e.inviteID === inviteID && e.invitee === to.userID),
    3000,
    `${from.userID} to see the accept`,
  );
}

/** The socket is still open and answered: a ping gets its pong. */
async function expectStillServed(client: RawClient, ts: number): Promise<void> {
  const from = client.frames.length;
  client.send({ t: 'ping', ts });
  const pong = await client.waitFrame((f) => f.t === 'pong', from);
  expect(pong.ts).toBe(ts);
  expect(client.isClosed()).toBe(false);
}

function closedWithin(client: RawClient, ms: number): Promise<{ code: number; reason: string }> {
  return Promise.race([
    client.closed,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not closed within ${ms} ms`)), ms)),
  ]);
}

const invite = (over: Record<string, unknown> = {}) => ({
  op: 'invite',
  groupID: '',
  inviteeList: ['bob'],
  data: '',
  timeout: 30,
  onlineUserOnly: false,
  ...over,
});

describe('malformed frames get a typed error and change nothing', () => {
  const errorCases: Array<[string, string | Buffer]> = [
    ['malformed JSON text', '{"t":"ping","ts":'],
    ['a JSON array', JSON.stringify([{ t: 'ping', ts: 1 }])],
    ['a JSON string', JSON.stringify('ping')],
    ['a binary frame', Buffer.from(JSON.stringify({ t: 'ping', ts: 1 }))],
    ['an unknown t', JSON.stringify({ t: 'subscribe', topic: 'all' })],
    ['no t at all', JSON.stringify({ id: 'x' })],
  ];

  it.each(errorCases)('%s: error frame 9006, socket stays open', async (_name, payload) => {
    const { server, alice, bob } = await setup();
    const mallory = await raw(server, 'mallory');
    const from = mallory.frames.length;
    mallory.send(payload);
    const frame = await mallory.waitFrame((f) => f.t === 'error' || f.t === 'res' || f.t === 'pong', from);
    expect(frame.t).toBe('error');
    expect(frame.error?.code).toBe(9006);
    expect(typeof frame.error?.message).toBe('string');
    await expectStillServed(mallory, 101);
    await expectHealthy(alice, bob);
    expect(server.connectionsOf('mallory')).toBe(1);
    expect(mallory.unparsed).toEqual([]);
  });

  // Not a Beckon request at all: 9006. A known op with bad parameters is 6017 (params.test.ts).
  const resCases: Array<[string, number, Record<string, unknown>]> = [
    ['an unknown op', 41, { op: 'explode', inviteID: 'x', data: '' }],
    ['a cmd that is not an object', 42, 'invite' as unknown as Record<string, unknown>],
    ['a cmd without op', 43, { inviteID: 'x', data: '' }],
  ];

  it.each(resCases)('%s: res with the request id and 9006, nothing created', async (_name, id, cmd) => {
    const { server, alice, bob } = await setup();
    const mallory = await raw(server, 'mallory');
    const from = mallory.frames.length;
    mallory.send({ t: 'req', id, cmd });
    const res = await mallory.waitFrame((f) => f.t === 'res' || f.t === 'error', from);
    expect(res).toMatchObject({ t: 'res', id, ok: false, error: { code: 9006 } });
    await expectStillServed(mallory, 102);
    await expectHealthy(alice, bob);
    // Nothing reached bob from mallory.
    expect(bob.events('onReceiveNewInvitation').filter((e) => e.inviter === 'mallory')).toEqual([]);
    expect(await server.store.snapshot('mallory')).toMatchObject({ invitations: [] });
  });

  it('a request id that is not an integer gets an error frame (no id to echo)', async () => {
    const { server, alice, bob } = await setup();
    const mallory = await raw(server, 'mallory');
    const from = mallory.frames.length;
    mallory.send({ t: 'req', id: 'seven', cmd: invite() });
    const frame = await mallory.waitFrame((f) => f.t === 'error' || f.t === 'res', from);
    expect(frame).toMatchObject({ t: 'error', error: { code: 9006 } });
    await expectStillServed(mallory, 103);
    await expectHealthy(alice, bob);
    expect(bob.events('onReceiveNewInvitation').filter((e) => e.inviter === 'mallory')).toEqual([]);
  });
});

describe('__proto__ and constructor keys', () => {
  afterEach(() => {
    // Clean up for the next test in case one of them did pollute, so failures stay local.
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it('in cmd and frame: refused with 9006 and the request id, never reach Object.prototype', async () => {
    const { server, alice, bob } = await setup();
    const mallory = await raw(server, 'mallory');
    const from = mallory.frames.length;
    // Written as text: an object literal's __proto__ would set the prototype instead of a key.
    mallory.send(
      '{"t":"req","id":51,"__proto__":{"polluted":"frame"},"constructor":{"prototype":{"polluted":"ctor"}},' +
        '"cmd":{"op":"invite","groupID":"","inviteeList":["bob"],"data":"proto","timeout":30,' +
        '"onlineUserOnly":false,"__proto__":{"polluted":"cmd","isAdmin":true},' +
        '"constructor":{"prototype":{"polluted":"cmd-ctor"}}}}',
    );
    mallory.send(
      '{"t":"req","id":53,"cmd":{"op":"invite","groupID":"","inviteeList":["bob"],"data":"x","timeout":30,' +
        '"onlineUserOnly":false,"constructor":1}}',
    );
    for (const id of [51, 53]) {
      const res = await mallory.waitFrame((f) => f.t === 'res' && f.id === id, from);
      expect(res).toMatchObject({ ok: false, error: { code: 9006 } });
      expect(res.error?.message).toMatch(/forbidden key/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
    expect(await server.store.snapshot('mallory')).toMatchObject({ invitations: [] });
    expect(bob.events('onReceiveNewInvitation').filter((e) => e.inviter === 'mallory')).toEqual([]);
    await expectStillServed(mallory, 104);
    await expectHealthy(alice, bob);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('required fields hidden under __proto__ are not read through the prototype: 9006', async () => {
    const { server, alice, bob } = await setup();
    const mallory = await raw(server, 'mallory');
    const from = mallory.frames.length;
    mallory.send(
      '{"t":"req","id":52,"cmd":{"__proto__":{"op":"invite","groupID":"","inviteeList":["bob"],' +
        '"data":"hidden","timeout":30,"onlineUserOnly":false}}}',
    );
    mallory.send('{"__proto__":{"t":"ping","ts":5}}');
    const res = await mallory.waitFrame((f) => f.t === 'res' && f.id === 52, from);
    expect(res).toMatchObject({ ok: false, error: { code: 9006 } });
    const error = await mallory.waitFrame((f) => f.t === 'error', from);
    expect(error.error?.code).toBe(9006);
    expect(mallory.frames.slice(from).some((f) => f.t === 'pong')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await server.store.snapshot('mallory')).toMatchObject({ invitations: [] });
    await expectStillServed(mallory, 105);
    await expectHealthy(alice, bob);
  });

  it('in an auth frame before authentication: no pollution, auth still works', async () => {
    const { server, alice, bob } = await setup();
    const mallory = await raw(server);
    const token = await createToken({ secret: SECRET, userID: 'mallory' });
    mallory.send(`{"t":"auth","token":"${token}","__proto__":{"polluted":"auth"},"resume":{"__proto__":{}}}`);
    const frame = await mallory.waitFrame((f) => f.t === 'hello' || f.t === 'error');
    // Forbidden keys: the frame is refused, the socket stays open.
    expect(frame).toMatchObject({ t: 'error', error: { code: 9006 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await mallory.auth(token);
    expect(server.connectionsOf('mallory')).toBe(1);
    await expectHealthy(alice, bob);
  });
});

describe('limits', () => {
  it('data over 8 KiB gets 6017; exactly 8 KiB is accepted', async () => {
    const { server, alice, bob } = await setup();
    const mallory = await raw(server, 'mallory');
    const from = mallory.frames.length;
    mallory.send({ t: 'req', id: 61, cmd: invite({ data: 'x'.repeat(8 * 1024 + 1) }) });
    const res = await mallory.waitFrame((f) => f.t === 'res' && f.id === 61, from);
    expect(res).toMatchObject({ ok: false, error: { code: 6017 } });
    expect(res.error?.message).toMatch(/8192 bytes/);
    // Multi-byte characters count in UTF-8 bytes: 2731 x 3 bytes = 8193.
    mallory.send({ t: 'req', id: 62, cmd: invite({ data: '€'.repeat(2731) }) });
    expect(await mallory.waitFrame((f) => f.t === 'res' && f.id === 62, from)).toMatchObject({
      ok: false,
      error: { code: 6017 },
    });
    expect(bob.events('onReceiveNewInvitation').filter((e) => e.inviter === 'mallory')).toEqual([]);
    mallory.send({ t: 'req', id: 63, cmd: invite({ data: 'y'.repeat(8 * 1024) }) });
    const ok = await mallory.waitFrame((f) => f.t === 'res' && f.id === 63, from);
    expect(ok.ok).toBe(true);
    await waitFor(() => bob.events('onReceiveNewInvitation').some((e) => e.inviteID === ok.inviteID));
    await expectHealthy(alice, bob);
  });

  it('an invitee list over maxInvitees gets 6017', async () => {
    const { server, alice, bob } = await setup({ maxInvitees: 5 });
    const mallory = await raw(server, 'mallory');
    const from = mallory.frames.length;
    const six = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    mallory.send({ t: 'req', id: 71, cmd: invite({ groupID: 'g', inviteeList: six }) });
    const res = await mallory.waitFrame((f) => f.t === 'res' && f.id === 71, from);
    expect(res).toMatchObject({ ok: false, error: { code: 6017, details: { field: 'inviteeList' } } });
    expect(res.error?.message).toMatch(/inviteeList has over 5 entries/);
    // addInvitees is held to the same cap, counting the invitees already there.
    mallory.send({ t: 'req', id: 72, cmd: invite() });
    const created = await mallory.waitFrame((f) => f.t === 'res' && f.id === 72, from);
    expect(created.ok).toBe(true);
    const grow = { op: 'addInvitees', inviteID: created.inviteID, inviteeList: six.slice(0, 5) };
    mallory.send({ t: 'req', id: 73, cmd: grow });
    const add = await mallory.waitFrame((f) => f.t === 'res' && f.id === 73, from);
    expect(add).toMatchObject({ ok: false, error: { code: 6017 } });
    expect(add.error?.message).toMatch(/at most 5/);
    mallory.send({ t: 'req', id: 74, cmd: { ...grow, inviteeList: six.slice(0, 4) } });
    expect(await mallory.waitFrame((f) => f.t === 'res' && f.id === 74, from)).toMatchObject({ ok: true });
    await expectStillServed(mallory, 106);
    await expectHealthy(alice, bob);
  });

  it('a frame over 64 KiB closes that socket with 1009; other users are unaffected', async () => {
    const { server, alice, bob } = await setup();
    const mallory = await raw(server, 'mallory');
    const bystander = await raw(server, 'carol');
    mallory.send(JSON.stringify({ t: 'ping', ts: 1, pad: 'x'.repeat(64 * 1024) }));
    const closed = await closedWithin(mallory, 3000);
    expect(closed.code).toBe(1009);
    await waitFor(() => server.connectionsOf('mallory') === 0, 2000, 'mallory to be dropped');
    await expectStillServed(bystander, 107);
    await expectHealthy(alice, bob);
    expect(server.connectionsOf('alice')).toBe(1);
  });

  it('a frame just under 64 KiB is read (and refused by the rules, not the socket)', async () => {
    const { server, alice, bob } = await setup();
    const mallory = await raw(server, 'mallory');
    const from = mallory.frames.length;
    const frame = JSON.stringify({ t: 'req', id: 81, cmd: invite({ data: 'z'.repeat(60 * 1024) }) });
    expect(frame.length).toBeLessThan(64 * 1024);
    mallory.send(frame);
    const res = await mallory.waitFrame((f) => f.t === 'res' && f.id === 81, from);
    expect(res).toMatchObject({ ok: false, error: { code: 6017 } });
    await expectStillServed(mallory, 108);
    await expectHealthy(alice, bob);
  });
});

describe('authentication', () => {
  it('a req before auth gets 9003 with its id; the socket stays open and auth then works', async () => {
    const { server, alice, bob } = await setup();
    const early = await raw(server);
    early.send({ t: 'req', id: 7, cmd: invite() });
    const res = await early.waitFrame((f) => f.t === 'res' || f.t === 'error');
    expect(res).toMatchObject({ t: 'res', id: 7, ok: false, error: { code: 9003 } });
    early.send({ t: 'ping', ts: 9 });
    const error = await early.waitFrame((f) => f.t === 'error' || f.t === 'pong', 1);
    expect(error).toMatchObject({ t: 'error', error: { code: 9003 } });
    early.send({ t: 'sync' });
    await early.waitFrame((f) => f.t === 'error', 2);
    expect(early.ws.readyState).toBe(WebSocket.OPEN);
    expect(early.frames.some((f) => f.t === 'snapshot' || f.t === 'ev')).toBe(false);
    expect(bob.events('onReceiveNewInvitation')).toEqual([]);

    const hello = await early.auth(await createToken({ secret: SECRET, userID: 'early' }));
    expect(hello.userID).toBe('early');
    expect(server.connectionsOf('early')).toBe(1);
    const from = early.frames.length;
    early.send({ t: 'req', id: 8, cmd: invite() });
    const ok = await early.waitFrame((f) => f.t === 'res' && f.id === 8, from);
    expect(ok.ok).toBe(true);
    await waitFor(() => bob.events('onReceiveNewInvitation').some((e) => e.inviteID === ok.inviteID));
    await expectHealthy(alice, bob);
  });

  it('a second auth frame on an authenticated socket is refused without dropping it', async () => {
    const { server, alice, bob } = await setup();
    const mallory = await raw(server, 'mallory');
    const from = mallory.frames.length;
    mallory.send({ t: 'auth', token: await createToken({ secret: SECRET, userID: 'alice' }) });
    const error = await mallory.waitFrame((f) => f.t === 'error' || f.t === 'hello', from);
    expect(error).toMatchObject({ t: 'error', error: { code: 6017 } });
    expect(server.connectionsOf('alice')).toBe(1);
    expect(server.connectionsOf('mallory')).toBe(1);
    await expectStillServed(mallory, 109);
    await expectHealthy(alice, bob);
  });

  const tokenCases: Array<[string, () => Promise<string>, number, string]> = [
    ['an empty token', async () => '', 4001, 'token missing'],
    [
      'a token signed with another secret',
      () => createToken({ secret: 'not-the-secret', userID: 'eve' }),
      4001,
      'token invalid',
    ],
    ['a token that is not a JWT', async () => 'not.a.jwt', 4001, 'token invalid'],
    [
      'an expired token',
      () => createToken({ secret: SECRET, userID: 'eve', ttlSeconds: -10 }),
      4002,
      'token expired',
    ],
  ];

  it.each(tokenCases)('%s closes the socket with its close code', async (_name, token, code, reason) => {
    const { server, alice, bob } = await setup();
    const eve = await raw(server);
    eve.send({ t: 'auth', token: await token() });
    const closed = await closedWithin(eve, 3000);
    expect(closed).toEqual({ code, reason });
    expect(eve.frames.some((f) => f.t === 'hello')).toBe(false);
    expect(server.connectionsOf('eve')).toBe(0);
    await expectHealthy(alice, bob);
  });

  const transportCases: Array<[string, () => Promise<string>, string]> = [
    ['forged', () => createToken({ secret: 'not-the-secret', userID: 'eve' }), 'token invalid'],
    ['expired', () => createToken({ secret: SECRET, userID: 'eve', ttlSeconds: -10 }), 'token expired'],
  ];

  it.each(transportCases)(
    'WebSocketTransport with a %s token ends closed with an error, no reconnect loop',
    async (_name, makeToken, reason) => {
      const { server, alice, bob } = await setup();
      let upgrades = 0;
      server.http.on('upgrade', () => upgrades++);
      const states: Array<{ state: ConnectionState; error?: SignalingErrorInfo }> = [];
      const transport = new WebSocketTransport({
        url: server.wsUrl,
        token: await makeToken(),
        WebSocket: NodeWebSocket,
        reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
      });
      transports.push(transport);
      transport.connect({
        onStateChange: (state, error) => states.push(error ? { state, error } : { state }),
        onSession: () => {},
        onSnapshot: () => {},
        onEvent: () => {},
      });
      await waitFor(() => states.some((s) => s.state === 'closed'), 3000, 'the transport to close');
      // With a 10-20 ms backoff a loop would show several more upgrades in this time.
      await new Promise((r) => setTimeout(r, 200));
      expect(upgrades).toBe(1);
      expect(states.map((s) => s.state)).toEqual(['closed']);
      expect(states[0]?.error?.code).toBe(9003);
      expect(states[0]?.error?.message).toBe(reason);
      expect(server.connectionsOf('eve')).toBe(0);
      await expectHealthy(alice, bob);
    },
  );

  it('an expired token from a token function is refreshed: the transport reconnects', async () => {
    const { server } = await setup();
    let calls = 0;
    const states: ConnectionState[] = [];
    const transport = new WebSocketTransport({
      url: server.wsUrl,
      token: () =>
        calls++ === 0
          ? createToken({ secret: SECRET, userID: 'dana', ttlSeconds: -10 })
          : createToken({ secret: SECRET, userID: 'dana' }),
      WebSocket: NodeWebSocket,
      reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
    });
    transports.push(transport);
    transport.connect({
      onStateChange: (state) => states.push(state),
      onSession: () => {},
      onSnapshot: () => {},
      onEvent: () => {},
    });
    await waitFor(() => states.includes('connected'), 3000, 'dana to connect');
    expect(states).toEqual(['reconnecting', 'connected']);
    expect(calls).toBe(2);
    expect(server.connectionsOf('dana')).toBe(1);
  });

  it('a socket that never authenticates is closed with 4004 after authTimeoutMs', async () => {
    const { server, alice, bob } = await setup({ authTimeoutMs: 200 });
    const started = Date.now();
    const idle = await raw(server);
    const closed = await closedWithin(idle, 2000);
    expect(closed.code).toBe(4004);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    // Authenticated sockets are not subject to the auth timer.
    await new Promise((r) => setTimeout(r, 100));
    expect(server.connectionsOf('alice')).toBe(1);
    await expectHealthy(alice, bob);
  });
});

describe('origin allow-list', () => {
  it('refuses a browser origin not on the list with 403; the listed origin connects', async () => {
    const { server, alice, bob } = await setup({ allowedOrigins: ['http://good.example'] });
    const status = await new Promise<number | string>((resolve) => {
      const ws = new WebSocket(server.wsUrl, { origin: 'https://evil.example' });
      ws.on('open', () => {
        resolve('opened');
        ws.terminate();
      });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('error', (error) => resolve(error.message));
    });
    expect(status).toBe(403);
    const metrics = await api(server, 'GET', '/metrics');
    expect(metrics.body).toContain('beckon_connections_closed_total{reason="origin"} 1');

    const good = await openRaw(server.wsUrl, { origin: 'http://good.example' });
    raws.push(good);
    const hello = await good.auth(await createToken({ secret: SECRET, userID: 'goodie' }));
    expect(hello.userID).toBe('goodie');
    await expectHealthy(alice, bob);
  });

  it('a near miss of the listed origin is refused too', async () => {
    const { server } = await setup({ allowedOrigins: ['http://good.example'] });
    for (const origin of ['http://good.example.evil', 'https://good.example', 'http://good.example:8080']) {
      await expect(openRaw(server.wsUrl, { origin })).rejects.toThrow(/403/);
    }
  });
});

describe('flood', () => {
  it('50 frames at once: rate-limited with 9004 and retryAfterMs; others unaffected', async () => {
    const { server, alice, bob } = await setup({ rateLimit: { burst: 5, perSecond: 1 } });
    const flooder = await raw(server, 'flooder'); // the auth frame took one token
    const from = flooder.frames.length;
    for (let id = 1000; id < 1050; id++) {
      flooder.send({ t: 'req', id, cmd: { op: 'accept', inviteID: `nope-${id}`, data: '' } });
    }
    await waitFor(
      () => flooder.frames.slice(from).filter((f) => f.t === 'res').length === 50,
      3000,
      '50 replies',
    );
    const replies = flooder.frames.slice(from);
    const limited = replies.filter((f) => f.error?.code === 9004);
    const served = replies.filter((f) => f.error?.code === 8010);
    expect(served.length).toBe(4);
    expect(limited.length).toBe(46);
    expect(new Set(replies.map((f) => f.id)).size).toBe(50);
    for (const f of limited) {
      expect(f.ok).toBe(false);
      expect(f.error?.details?.retryAfterMs).toBeGreaterThan(0);
      expect(f.error?.details?.retryAfterMs).toBeLessThanOrEqual(1000);
    }
    // The flooder still has its connection and is served again once the bucket refills.
    expect(server.connectionsOf('flooder')).toBe(1);
    await expectHealthy(alice, bob);
    await expectHealthy(bob, alice);
    const wait = Math.max(...limited.map((f) => Number(f.error?.details?.retryAfterMs)));
    await new Promise((r) => setTimeout(r, wait + 50));
    await expectStillServed(flooder, 110);
    const metrics = await api(server, 'GET', '/metrics');
    expect(metrics.body).toContain('beckon_frames_rejected_total{reason="9004"} 46');
  });
});

describe('slow reader and dead sockets', () => {
  it('a reader that stops reading is cut off at maxBufferedBytes; others keep working', async () => {
    // The flood must reach the reader: no request or invitation limit may stop it first.
    const { server, alice, bob } = await setup({
      maxBufferedBytes: 64 * 1024,
      rateLimit: { burst: 10_000, perSecond: 10_000 },
      userRateLimit: { burst: 10_000, perSecond: 10_000 },
      maxActiveInvitations: 10_000,
    });
    const carol = await user(server, 'carol');
    const slow = await raw(server, 'slowuser');
    slow.pause();
    const data = 'd'.repeat(7 * 1024);
    // Each invitation event carries the data twice (envelope and record): about 14 KiB per frame.
    // Loopback kernel buffers absorb a few MiB before the server's own buffer starts to grow.
    let sent = 0;
    while (server.connectionsOf('slowuser') > 0 && sent < 3000) {
      const batch = Array.from({ length: 100 }, () =>
        alice.client.invite('slowuser', data, { timeout: 60 }).catch(() => undefined),
      );
      sent += batch.length;
      await Promise.all(batch);
    }
    await waitFor(() => server.connectionsOf('slowuser') === 0, 3000, 'slowuser to be cut off');
    const metrics = await api(server, 'GET', '/metrics');
    expect(metrics.body).toContain('beckon_connections_closed_total{reason="slow_consumer"} 1');
    // Everyone else is served normally, including the inviter that produced the flood.
    expect(server.connectionsOf('alice')).toBe(1);
    await expectHealthy(bob, carol);
    await expectHealthy(carol, alice);
  }, 20_000);

  it('server heartbeat: a socket that never answers pings is terminated; live ones stay', async () => {
    const { server, alice, bob } = await setup({ heartbeatMs: 100 });
    const ghost = await openRaw(server.wsUrl, { autoPong: false });
    raws.push(ghost);
    await ghost.auth(await createToken({ secret: SECRET, userID: 'ghost' }));
    expect(server.connectionsOf('ghost')).toBe(1);
    const started = Date.now();
    await waitFor(() => server.connectionsOf('ghost') === 0, 1000, 'ghost to be terminated');
    expect(Date.now() - started).toBeLessThan(1000);
    const closed = await closedWithin(ghost, 1000);
    expect(closed.code).toBe(1006); // cut without a close frame
    const metrics = await api(server, 'GET', '/metrics');
    expect(metrics.body).toContain('beckon_connections_closed_total{reason="dead"} 1');
    // Clients that answer pings survive many beats.
    await new Promise((r) => setTimeout(r, 400));
    expect(server.connectionsOf('alice')).toBe(1);
    expect(server.connectionsOf('bob')).toBe(1);
    await expectHealthy(alice, bob);
  });
});
