import { CloseCode } from '@beckon/signaling/rules';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth.js';
import { replayFrames, snapshotPages } from '../src/connection.js';
import type { BeckonServer, BeckonServerOptions } from '../src/server.js';
import { connectUser, SECRET, startServer, type TestUser, waitFor } from './helpers.js';
import { type Frame, openRaw, type RawClient } from './raw.js';

// Bounded work per request: one socket's sync storm, a long resume or a big snapshot cannot
// make the server queue without bound.

let server: BeckonServer | undefined;
const raws: RawClient[] = [];
const users: TestUser[] = [];

afterEach(async () => {
  for (const user of users.splice(0)) user.client.close();
  for (const raw of raws.splice(0)) raw.ws.terminate();
  await server?.close();
  server = undefined;
});

async function start(options: BeckonServerOptions = {}): Promise<BeckonServer> {
  server = await startServer({ rateLimit: { burst: 1000, perSecond: 1000 }, ...options });
  return server;
}

async function rawSocket(s: BeckonServer): Promise<RawClient> {
  const client = await openRaw(s.wsUrl);
  raws.push(client);
  return client;
}

/** Bob leaves `n` invitations of about `size` bytes each for alice (timeout 0: they stay). */
async function invitationsFor(s: BeckonServer, n: number, size: number): Promise<void> {
  const bob = await connectUser(s, 'bob');
  users.push(bob);
  for (let i = 0; i < n; i++) await bob.client.invite('alice', `${i}:${'x'.repeat(size)}`, { timeout: 0 });
}

/** Sends frames in one TCP write. */
function oneWrite(client: RawClient, frames: readonly unknown[]): void {
  const socket = (client.ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
  socket.cork();
  for (const frame of frames) client.send(frame);
  socket.uncork();
}

const isFinalSnapshot = (f: Frame) => f.t === 'snapshot' && f.more === undefined;

describe('one snapshot or replay in flight per socket', () => {
  it('a hundred sync frames in one write cost at most two snapshots', async () => {
    const s = await start({ resyncIntervalMs: 20 });
    await invitationsFor(s, 20, 2000);
    const alice = await rawSocket(s);
    await alice.auth(await createToken({ secret: SECRET, userID: 'alice' }));
    const from = alice.frames.length;
    oneWrite(
      alice,
      Array.from({ length: 100 }, () => ({ t: 'sync' })),
    );
    await waitFor(() => alice.frames.slice(from).filter(isFinalSnapshot).length >= 2, 5000, 'the follow-up');
    alice.send({ t: 'ping', ts: 9 });
    await alice.waitFrame((f) => f.t === 'pong', from);
    // Whatever was still running when the pong left has finished by the next round trip.
    alice.send({ t: 'ping', ts: 10 });
    await alice.waitFrame((f) => f.t === 'pong' && f.ts === 10, from);
    const snapshots = alice.frames.slice(from).filter(isFinalSnapshot);
    expect(snapshots).toHaveLength(2);
    for (const snapshot of snapshots) expect(snapshot.invitations).toHaveLength(20);
    expect(alice.isClosed()).toBe(false);
  });
});

describe('replays are bounded', () => {
  async function resumeFromZero(
    options: BeckonServerOptions,
    waitHello = true,
  ): Promise<{ client: RawClient; from: number }> {
    const s = await start(options);
    const token = await createToken({ secret: SECRET, userID: 'alice' });
    const first = await rawSocket(s);
    const hello = await first.auth(token);
    first.ws.close();
    await waitFor(() => s.connectionsOf('alice') === 0, 3000, 'alice to leave');
    await invitationsFor(s, 10, 1000);
    const client = await rawSocket(s);
    const from = client.frames.length;
    client.send({ t: 'auth', token, resume: { epoch: hello.epoch, seq: 0 } });
    if (waitHello) await client.waitFrame((f) => f.t === 'hello', from);
    return { client, from };
  }

  it('a resume within maxReplayBytes replays the events', async () => {
    const { client, from } = await resumeFromZero({ maxReplayBytes: 64 * 1024 });
    await waitFor(() => client.frames.slice(from).filter((f) => f.t === 'ev').length >= 10);
    expect(client.frames.slice(from).some((f) => f.t === 'snapshot')).toBe(false);
  });

  it('a longer one gets a snapshot instead', async () => {
    const { client, from } = await resumeFromZero({ maxReplayBytes: 4 * 1024 });
    const snapshot = await client.waitFrame(isFinalSnapshot, from);
    expect(snapshot.invitations).toHaveLength(10);
    expect(client.frames.slice(from).filter((f) => f.t === 'ev')).toEqual([]);
  });

  it('what one burst queues on a socket counts: over maxBurstBytes it is cut as a slow consumer', async () => {
    const { client } = await resumeFromZero({ maxReplayBytes: 1024 * 1024, maxBurstBytes: 16 * 1024 }, false);
    // The close frame (4008) is queued behind the burst it stops, and goes with it: the
    // client sees the cut (1006); the server counts it.
    expect([CloseCode.SLOW_CONSUMER, 1006]).toContain((await client.closed).code);
    expect(server?.metrics.render()).toContain('beckon_connections_closed_total{reason="slow_consumer"} 1');
  });
});

describe('snapshots go out in pages', () => {
  it('the pages say more, and the client applies them as one snapshot', async () => {
    const s = await start({ snapshotPageBytes: 3000 });
    await invitationsFor(s, 12, 1000);
    const raw = await rawSocket(s);
    await raw.auth(await createToken({ secret: SECRET, userID: 'alice' }));
    await raw.waitFrame(isFinalSnapshot);
    const pages = raw.frames.filter((f) => f.t === 'snapshot');
    expect(pages.length).toBeGreaterThan(3);
    expect(pages.slice(0, -1).every((p) => p.more === true)).toBe(true);
    expect(pages.flatMap((p) => p.invitations as unknown[])).toHaveLength(12);

    const alice = await connectUser(s, 'alice');
    users.push(alice);
    expect(alice.client.invitations.size).toBe(12);
    // Rung once each, from the one snapshot.
    expect(alice.events('onReceiveNewInvitation')).toHaveLength(12);
  });
});

describe('pure helpers', () => {
  const record = (i: number) => ({
    inviteID: `i${i}`,
    inviter: 'bob',
    groupID: '',
    data: 'x'.repeat(100),
    timeout: 0,
    onlineUserOnly: false,
    createdAt: 1,
    invitees: [],
    answers: 0,
  });

  it('snapshotPages never splits an invitation and always ends with a final page', () => {
    expect([...snapshotPages({ seq: 3, invitations: [] }, 5, 100)]).toEqual([
      '{"t":"snapshot","seq":3,"at":5,"invitations":[]}',
    ]);
    const pages = [
      ...snapshotPages({ seq: 3, invitations: Array.from({ length: 10 }, (_, i) => record(i)) }, 5, 500),
    ];
    const parsed = pages.map((p) => JSON.parse(p) as { more?: true; invitations: unknown[] });
    expect(parsed.length).toBeGreaterThan(2);
    expect(parsed.at(-1)?.more).toBeUndefined();
    expect(parsed.slice(0, -1).every((p) => p.more === true)).toBe(true);
    expect(parsed.flatMap((p) => p.invitations)).toEqual(Array.from({ length: 10 }, (_, i) => record(i)));
  });

  it('replayFrames gives up past the byte bound', () => {
    const event = { kind: 'invite', at: 1 } as never;
    const missed = Array.from({ length: 10 }, (_, i) => ({ seq: i + 1, event }));
    expect(replayFrames(missed, 10_000)).toHaveLength(10);
    expect(replayFrames(missed, 100)).toBeUndefined();
  });
});
