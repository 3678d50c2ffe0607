import { CallType, createCallData } from '@beckon/signaling';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { connectUser, type TestUser, waitFor } from '../helpers.js';
import {
  type Cluster,
  describeRedis,
  eventually,
  localCluster,
  ON_CLUSTER,
  startCluster,
} from './cluster.js';

// A Redis Cluster master killed with kill -9: its replica takes over the deployment's slot and
// the servers carry on through it, without a restart. Replication is asynchronous, so a write
// acknowledged just before the kill may be gone; the servers then resynchronise (new epoch or a
// sequence behind what a client saw: a snapshot), they never serve a half-applied transition.
describeRedis('distributed mode on a Redis Cluster: a master killed', () => {
  let cluster: Cluster | undefined;
  const users: TestUser[] = [];
  afterAll(async () => {
    for (const u of users) u.client.close();
    await cluster?.close();
  });

  it.runIf(ON_CLUSTER)(
    'the replica takes the slot over; invitations work again across both processes',
    async () => {
      const local = localCluster();
      if (local === undefined) throw new Error('no local cluster');
      cluster = await startCluster(2);
      const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
      const alice = await connectUser(a, 'fo-alice');
      const bob = await connectUser(b, 'fo-bob');
      users.push(alice, bob);
      const data = createCallData({ callType: CallType.AUDIO, roomID: 'fo-1' });
      const first = await alice.client.invite('fo-bob', data, { timeout: 60 });
      await waitFor(() => bob.client.getInvitation(first) !== undefined, 10_000, 'bob to ring');
      await alice.client.cancel(first);

      // The master that holds the deployment's slot.
      const slot = Number(await cluster.redis.cluster('KEYSLOT', cluster.keys.epoch));
      const ranges = await cluster.redis.cluster('SLOTS');
      const owner = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1];
      expect(local.ports).toContain(owner);
      await local.kill(owner as number);

      // Requests fail with 9005 until the replica is promoted (cluster-node-timeout 5 s), then work.
      let second = '';
      try {
        await eventually(async () => {
          second = await alice.client.invite('fo-bob', data, { timeout: 60 });
        }, 60_000);
      } catch (error) {
        // What the cluster and the servers say, for whoever reads the failure.
        const alive = local.ports.find((p) => p !== owner);
        const nodes = alive === undefined ? '' : await new Redis(alive, '127.0.0.1').cluster('NODES');
        throw new Error(
          `${(error as Error).message}\ncluster nodes:\n${nodes}\nserver a:\n${a.output.slice(-15).join('')}`,
        );
      }
      await waitFor(
        () => bob.client.getInvitation(second) !== undefined,
        20_000,
        'bob to ring after the failover',
      );
      await bob.client.accept(second);
      await waitFor(
        () =>
          alice.client.getInvitation(second) === undefined || alice.events('onInviteeAccepted').length > 0,
        20_000,
        'alice to hear the answer',
      );
      expect(a.process.exitCode).toBeNull();
      expect(b.process.exitCode).toBeNull();
    },
    120_000,
  );
});
