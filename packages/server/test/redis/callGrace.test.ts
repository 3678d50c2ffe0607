import { afterAll, beforeAll, expect, it } from 'vitest';
import { answeredCall, hangups, peerGonePastGrace, reconnectInsideGrace } from '../callGraceScenario.js';
import { api, connectUser, waitFor } from '../helpers.js';
import {
  type Cluster,
  describeRedis,
  eventually,
  type Node,
  startCluster,
  trackedSockets,
} from './cluster.js';

// Issue 14, item 1 across two processes on one Redis: the grace runs on the process where the
// call device's last socket closed and asks the deployment (device presence in Redis) at its end.

const GRACE_MS = 1000;

describeRedis('distributed mode: a party gone past the grace', () => {
  let cluster: Cluster;
  let n0: Node;
  let n1: Node;
  beforeAll(async () => {
    // The child processes read it (BECKON_CALL_GRACE_MS, like --call-grace-ms).
    process.env.BECKON_CALL_GRACE_MS = String(GRACE_MS);
    cluster = await startCluster(2);
    [n0, n1] = cluster.nodes as [Node, Node];
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('alice on one process, bob on the other: bob gone, alice gets the hang-up; both histories say so', async () => {
    await peerGonePastGrace({ alice: n0, bob: n1, http: n0, graceMs: GRACE_MS }, ['r-alice1', 'r-bob1']);
  });

  it('the caller gone on one process: the callee on the other gets the hang-up', async () => {
    await peerGonePastGrace(
      { alice: n0, bob: n1, http: n1, graceMs: GRACE_MS },
      ['r-alice3', 'r-bob3'],
      'caller',
    );
  });

  it("bob's call device reconnects to the other process inside the grace: the call goes on there", async () => {
    const tracked = trackedSockets();
    // Each attempt goes to the next process: the reconnect lands where the grace is not running.
    let attempt = 0;
    const bobTarget = () => [n1, n0][attempt++ % 2]?.wsUrl ?? '';
    await reconnectInsideGrace(
      {
        alice: n0,
        bob: bobTarget,
        http: n0,
        graceMs: GRACE_MS,
        cut: () => tracked.drop(),
        bobDevice: { WebSocket: tracked.WebSocket },
      },
      ['r-alice2', 'r-bob2'],
    );
  });
});

describeRedis('distributed mode: the process holding a party dies', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    process.env.BECKON_CALL_GRACE_MS = String(GRACE_MS);
    cluster = await startCluster(2);
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it("bob's process is killed: alice's process sees bob gone from the deployment and hangs up for him", async () => {
    const [n0, n1] = cluster.nodes as [Node, Node];
    const alice = await connectUser(n0, 'k-alice');
    // Bob can only reach his own process: when it dies, he is gone.
    const bob = await connectUser(n1, 'k-bob');
    const { roomID, at } = await answeredCall(alice, bob);
    await waitFor(() => alice.client.serverNow() - at >= 1200, 5000, 'the call to run');
    const before = alice.client.serverNow();
    await n1.kill9();
    // Bob's presence lasts its TTL (9 s), then two graces.
    await waitFor(() => hangups(alice).length > 0, 30_000, 'the hang-up');
    const [hangup] = hangups(alice);
    expect(hangup?.event.inviter).toBe('k-bob');
    expect(hangup?.endReason).toBe('peerLeft');
    expect(hangup?.callEnd).toBeGreaterThanOrEqual(Math.round((before - at) / 1000));
    expect(hangup?.callEnd).toBeLessThanOrEqual(Math.round((alice.client.serverNow() - at) / 1000));
    await eventually(async () => {
      const res = await api(n0, 'GET', '/history', alice.token);
      const entry = res.body.entries.find((e: { roomID: string }) => e.roomID === roomID);
      expect(entry).toMatchObject({
        outcome: 'completed',
        endedBy: 'k-bob',
        durationSeconds: hangup?.callEnd,
      });
    });
    alice.client.close();
    bob.client.close();
  }, 60_000);
});
