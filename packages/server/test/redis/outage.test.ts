import { ErrorCode, SignalingError } from '@beckon/signaling';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { api, connectUser, type TestUser, waitFor } from '../helpers.js';
import {
  type Cluster,
  describeRedis,
  type Node,
  type PrivateRedis,
  startCluster,
  startPrivateRedis,
} from './cluster.js';

// Redis misbehaving under two server processes: data lost (FLUSHALL), Redis paused (CLIENT
// PAUSE), Redis killed and restarted empty. A Redis of the test's own takes the abuse, so the
// shared one (and the suites running on it meanwhile) never sees it.

async function codeOf(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SignalingError)) throw new Error(`expected a SignalingError, got ${String(error)}`);
  return error.code;
}

const epochOf = async (node: Node) => (await api(node, 'GET', '/healthz')).body.epoch as string;

describeRedis(
  'distributed mode: Redis flushed, paused and restarted',
  () => {
    let redis: PrivateRedis | undefined;
    let cluster: Cluster;
    let n0: Node;
    let n1: Node;
    const users: TestUser[] = [];
    async function user(name: string, on: Node, options: Parameters<typeof connectUser>[2] = {}) {
      const u = await connectUser(on, name, options);
      users.push(u);
      return u;
    }
    /** Both clients went away and came back connected (the store reset closed their sockets). */
    const cameBack = (u: TestUser, from: number) =>
      u.states.slice(from).includes('reconnecting') && u.client.connectionState === 'connected';

    beforeAll(async () => {
      redis = await startPrivateRedis();
      if (redis === undefined)
        throw new Error('redis-server is not installed: these tests start one of their own');
      cluster = await startCluster(2, redis.url);
      [n0, n1] = cluster.nodes as [Node, Node];
    }, 60_000);
    afterEach(() => {
      for (const u of users.splice(0)) u.client.close();
    });
    afterAll(async () => {
      await cluster?.close();
      await redis?.kill();
    });

    it('FLUSHALL: both processes notice, every client resyncs to the new epoch, nothing crashes', async () => {
      const alice = await user('f-alice', n0);
      const bob = await user('f-bob', n1);
      const lost = await alice.client.invite('f-bob', 'before', { timeout: 30 });
      await bob.waitEvents('onReceiveNewInvitation');
      const before = await epochOf(n0);
      const marks = [alice.states.length, bob.states.length];

      await cluster.redis.flushall();
      await waitFor(
        () => cameBack(alice, marks[0] ?? 0) && cameBack(bob, marks[1] ?? 0),
        5000,
        'clients to resync',
      );
      await waitFor(() => alice.client.invitations.size === 0 && bob.client.invitations.size === 0, 2000);
      const [e0, e1] = [await epochOf(n0), await epochOf(n1)];
      expect(e0).not.toBe(before);
      expect(e1).toBe(e0);

      expect(await codeOf(bob.client.accept(lost))).toBe(ErrorCode.INVITATION_INVALID);
      const fresh = await alice.client.invite('f-bob', 'after', { timeout: 30 });
      await waitFor(() => bob.client.getInvitation(fresh) !== undefined, 3000, 'the new invitation');
      for (const node of cluster.nodes) expect(node.process.exitCode).toBeNull();
    });

    it('CLIENT PAUSE: requests get 9005 with nothing applied; a client connecting meanwhile catches up after', async () => {
      const alice = await user('p-alice', n0);
      const bob = await user('p-bob', n1);
      const pauser = new Redis(redis?.url ?? '', { maxRetriesPerRequest: 0 });
      const pausedAt = Date.now();
      await pauser.call('CLIENT', 'PAUSE', '2500', 'ALL');
      pauser.disconnect();

      // A device logging in now cannot be synced: it is closed with 1013 and comes back later.
      const laptop = await user('p-bob', n0, { deviceID: 'laptop', wait: false });
      expect(await codeOf(alice.client.invite('p-bob', 'paused', { timeout: 30 }))).toBe(
        ErrorCode.UNAVAILABLE,
      );
      expect(Date.now() - pausedAt).toBeLessThan(2500);

      await waitFor(() => Date.now() - pausedAt > 2600, 4000);
      const after = await alice.client.invite('p-bob', 'after', { timeout: 30 });
      for (const device of [bob, laptop])
        await waitFor(
          () => device.client.getInvitation(after) !== undefined,
          5000,
          'the invitation after the pause',
        );
      expect(laptop.states).toContain('reconnecting');
      await new Promise((r) => setTimeout(r, 200));
      // Nothing of the refused invitation exists anywhere: not in a view, not in Redis.
      for (const u of [alice, bob, laptop])
        expect([...u.client.invitations.values()].map((r) => r.data)).toEqual(['after']);
      const keys = await cluster.redis.keys(`${cluster.prefix}inv:*`);
      const stored = await Promise.all(keys.map((k) => cluster.redis.hget(k, 'r')));
      expect(stored.filter((r) => r?.includes('"paused"'))).toEqual([]);
      for (const node of cluster.nodes) expect(node.process.exitCode).toBeNull();
    }, 15_000);

    it('Redis killed: 9005 and HTTP 503 while it is away; restarted empty: a new epoch, every client resyncs', async () => {
      const alice = await user('r-alice', n0);
      const bob = await user('r-bob', n1);
      await alice.client.invite('r-bob', 'before', { timeout: 30 });
      await bob.waitEvents('onReceiveNewInvitation');
      const before = await epochOf(n0);
      const marks = [alice.states.length, bob.states.length];

      await redis?.kill();
      expect(await codeOf(alice.client.invite('r-bob', 'down', { timeout: 30 }))).toBe(ErrorCode.UNAVAILABLE);
      const groups = await api(n1, 'GET', '/groups', bob.token);
      expect(groups.status).toBe(503);
      expect(groups.body.error.code).toBe(ErrorCode.UNAVAILABLE);

      await redis?.restart();
      await waitFor(
        () => cameBack(alice, marks[0] ?? 0) && cameBack(bob, marks[1] ?? 0),
        8000,
        'clients to resync',
      );
      await waitFor(() => alice.client.invitations.size === 0 && bob.client.invitations.size === 0, 2000);
      expect(await epochOf(n1)).not.toBe(before);
      const fresh = await alice.client.invite('r-bob', 'after', { timeout: 30 });
      await waitFor(
        () => bob.client.getInvitation(fresh) !== undefined,
        3000,
        'the invitation after the restart',
      );
      for (const node of cluster.nodes) expect(node.process.exitCode).toBeNull();
    }, 20_000);
  },
  { ownServer: true },
);
