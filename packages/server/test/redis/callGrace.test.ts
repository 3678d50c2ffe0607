import { afterAll, beforeAll, it } from 'vitest';
import { peerGonePastGrace, reconnectInsideGrace } from '../callGraceScenario.js';
import { type Cluster, describeRedis, type Node, startCluster, trackedSockets } from './cluster.js';

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
