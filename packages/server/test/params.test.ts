import { ErrorCode } from '@beckon/signaling';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken, verifyToken } from '../src/auth.js';
import type { BeckonServer } from '../src/server.js';
import { RedisStore } from '../src/store/redis.js';
import { connectUser, SECRET, startServer, type TestUser } from './helpers.js';
import { loginRaw, type RawClient } from './raw.js';
import { describeRedis, freshPrefix, purge, REDIS_URL } from './redis/cluster.js';

// Bad parameters of a Beckon request answer 6017 with the field at fault, as Tencent's SDK does;
// 9006 stays for frames that are not Beckon frames at all (badInput.test.ts).

let server: BeckonServer | undefined;
const raws: RawClient[] = [];
const users: TestUser[] = [];
let prefix: string | undefined;

afterEach(async () => {
  for (const user of users.splice(0)) user.client.close();
  for (const raw of raws.splice(0)) raw.ws.terminate();
  await server?.close();
  server = undefined;
  if (prefix !== undefined) await purge(prefix);
  prefix = undefined;
});

const login = (s: BeckonServer, userID: string) => loginRaw(s, userID, raws);

const invite = (over: Record<string, unknown> = {}) => ({
  op: 'invite',
  groupID: '',
  inviteeList: ['bob'],
  data: '',
  timeout: 30,
  onlineUserOnly: false,
  ...over,
});

const LONE = '\uD800';

const cases: Array<[string, Record<string, unknown>, string]> = [
  ['timeout -1', invite({ timeout: -1 }), 'timeout'],
  ['timeout 1.5', invite({ timeout: 1.5 }), 'timeout'],
  ['timeout NaN (null on the wire)', invite({ timeout: Number.NaN }), 'timeout'],
  ['timeout as a string', invite({ timeout: '30' }), 'timeout'],
  ['data that is not a string', invite({ data: 12 }), 'data'],
  ['an empty invitee id', invite({ inviteeList: [''] }), 'inviteeList'],
  ['a 129-character invitee id', invite({ inviteeList: ['x'.repeat(129)] }), 'inviteeList'],
  ['an invitee id with a lone surrogate', invite({ inviteeList: [`bo${LONE}b`] }), 'inviteeList'],
  ['inviteeList as a string', invite({ inviteeList: 'bob' }), 'inviteeList'],
  ['onlineUserOnly "yes"', invite({ onlineUserOnly: 'yes' }), 'onlineUserOnly'],
  ['onlineUserOnly missing', invite({ onlineUserOnly: undefined }), 'onlineUserOnly'],
  ['groupID that is not a string', invite({ groupID: 5 }), 'groupID'],
  ['accept("")', { op: 'accept', inviteID: '', data: '' }, 'inviteID'],
  ['cancel with data 5', { op: 'cancel', inviteID: 'i1', data: 5 }, 'data'],
  [
    'addInvitees with a 129-character id',
    { op: 'addInvitees', inviteID: 'i1', inviteeList: ['y'.repeat(129)] },
    'inviteeList',
  ],
];

describe('invalid parameters answer 6017', () => {
  it.each(cases)('%s', async (_name, cmd, field) => {
    server = await startServer();
    const bob = await connectUser(server, 'bob');
    users.push(bob);
    const mallory = await login(server, 'mallory');
    const from = mallory.frames.length;
    mallory.send({ t: 'req', id: 61, cmd });
    const res = await mallory.waitFrame((f) => f.t === 'res' || f.t === 'error', from);
    expect(res).toMatchObject({
      t: 'res',
      id: 61,
      ok: false,
      error: { code: ErrorCode.INVALID_PARAMETERS, details: { field } },
    });
    // The socket stays served and nothing was created.
    const ping = mallory.frames.length;
    mallory.send({ t: 'ping', ts: 1 });
    await mallory.waitFrame((f) => f.t === 'pong', ping);
    expect(await server.store.snapshot('mallory')).toMatchObject({ invitations: [] });
    expect(bob.events('onReceiveNewInvitation')).toEqual([]);
  });

  it('unknown keys of a valid command are dropped, not stored', async () => {
    server = await startServer();
    const mallory = await login(server, 'mallory');
    const from = mallory.frames.length;
    mallory.send({ t: 'req', id: 62, cmd: invite({ isAdmin: true, extra: 'x'.repeat(100) }) });
    const res = await mallory.waitFrame((f) => f.t === 'res', from);
    expect(res.ok).toBe(true);
    const [record] = (await server.store.snapshot('mallory')).invitations;
    expect(JSON.stringify(record)).not.toContain('isAdmin');
  });
});

describe('user ids that are not well-formed UTF-16', () => {
  it('cannot be token subjects', async () => {
    await expect(createToken({ secret: SECRET, userID: `a${LONE}` })).rejects.toThrow(TypeError);
    // A token signed by someone else's code with such a subject is refused too.
    const { SignJWT } = await import('jose');
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(`a${LONE}`)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    expect(await verifyToken(SECRET, forged)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describeRedis('invalid parameters answer 6017 on Redis too', () => {
  it('two ids with different lone surrogates are refused, not mapped to one key', async () => {
    prefix = freshPrefix();
    server = await startServer({ store: new RedisStore({ url: REDIS_URL, prefix }) });
    const mallory = await login(server, 'mallory');
    for (const [id, invitee] of [
      [71, `v${LONE}`],
      [72, 'v\uD801'],
    ] as const) {
      const from = mallory.frames.length;
      mallory.send({ t: 'req', id, cmd: invite({ inviteeList: [invitee], timeout: 0 }) });
      const res = await mallory.waitFrame((f) => f.t === 'res' && f.id === id, from);
      expect(res).toMatchObject({ ok: false, error: { code: 6017, details: { field: 'inviteeList' } } });
    }
    for (const [name, cmd, field] of cases) {
      const from = mallory.frames.length;
      mallory.send({ t: 'req', id: 80, cmd });
      const res = await mallory.waitFrame((f) => f.t === 'res' && f.id === 80, from);
      expect(res.error?.code, name).toBe(6017);
      expect(res.error?.details?.field, name).toBe(field);
    }
    expect(await server.store.snapshot('mallory')).toMatchObject({ invitations: [] });
  });
});
