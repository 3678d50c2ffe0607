import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hangups } from '../callGraceScenario.js';
import {
  closeGroupCalls,
  type GroupWorld,
  groupCallBusyBothWays,
  groupCallFull,
  groupCallLifecycle,
  until,
} from '../groupCallScenario.js';
import {
  backInsideGrace,
  inviterGoneWhileRinging,
  threeInCall,
  vanishedMidCall,
  type WatchWorld,
} from '../groupWatchScenario.js';
import { api } from '../helpers.js';
import {
  type Cluster,
  describeRedis,
  eventually,
  metricSum,
  type Node,
  startCluster,
  trackedSockets,
} from './cluster.js';

// Group calls (issue 21) with the people spread over two server processes sharing one Redis:
// the socket scenarios of groupCall.test.ts, and the server's leave for a participant gone past
// the grace (groupWatch.ts), also when the process holding them dies.

const GRACE_MS = 1000;

/** Two processes; each test's people get their own ids (`tag`), alternating between the processes. */
function twoProcesses() {
  const world: { cluster?: Cluster; n0?: Node; n1?: Node; tag: string } = { tag: 'gc0-' };
  let run = 0;
  beforeAll(async () => {
    // The child processes read it (BECKON_CALL_GRACE_MS, like --call-grace-ms).
    process.env.BECKON_CALL_GRACE_MS = String(GRACE_MS);
    world.cluster = await startCluster(2);
    [world.n0, world.n1] = world.cluster.nodes as [Node, Node];
  }, 60_000);
  afterEach(async () => {
    await closeGroupCalls();
    world.tag = `gc${++run}-`;
  });
  afterAll(async () => {
    await world.cluster?.close();
  });
  const nodes = () => [world.n0, world.n1] as [Node, Node];
  return { world, nodes };
}

describeRedis('group calls over sockets, the people on two server processes', () => {
  const { world, nodes } = twoProcesses();
  const spread = (): GroupWorld => {
    const [n0, n1] = nodes();
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
    return {
      at: (name) => (names.indexOf(name) % 2 === 0 ? n0 : n1),
      http: n1,
      id: (name) => `${world.tag}${name}`,
    };
  };

  describe.each([
    { invitees: 3, withGroup: false },
    { invitees: 3, withGroup: true },
    { invitees: 5, withGroup: false },
    { invitees: 5, withGroup: true },
  ])('a group call to $invitees people (group: $withGroup)', ({ invitees, withGroup }) => {
    it('partial accepts, a busy decline, timeouts per invitee, an add, a leave and the last two ending it', async () => {
      const { roomID } = await groupCallLifecycle(spread(), invitees, withGroup);
      // Everyone left by their own notice: the room is closed for both processes.
      const { cluster } = world;
      if (cluster === undefined) throw new Error('no cluster');
      await eventually(async () =>
        expect(await cluster.redis.exists(cluster.keys.groupRoom(roomID ?? ''))).toBe(0),
      );
    }, 60_000);
  });

  it('busy both ways: a group call during a one-to-one call, a one-to-one call during a group call', async () => {
    await groupCallBusyBothWays(spread());
  }, 60_000);

  it('refuses a call past maxParticipants with a typed error (BeckonError group-call-full)', async () => {
    await groupCallFull(spread());
  });
});

describeRedis('distributed mode: a group call participant gone past the grace', () => {
  const { world, nodes } = twoProcesses();
  const watchWorld = (over: Partial<WatchWorld> = {}): WatchWorld => {
    const [n0, n1] = nodes();
    const { cluster } = world;
    if (cluster === undefined) throw new Error('no cluster');
    return {
      // Alice on one process; bob and carol on the other (their graces run there).
      at: (name) => (name === 'alice' ? n0 : n1),
      http: n0,
      id: (name) => `${world.tag}${name}`,
      graceMs: GRACE_MS,
      roomOpen: async (roomID) => (await cluster.redis.exists(cluster.keys.groupRoom(roomID))) === 1,
      ...over,
    };
  };

  it.each([{ withGroup: false }, { withGroup: true }])(
    'leaves in the server notice, once: the others on both processes see them left, history has the duration, the room closes with the last (group: $withGroup)',
    async ({ withGroup }) => {
      const before = await metricSum(
        nodes(),
        'beckon_calls_ended_by_server_total{outcome="group_peer_left"}',
      );
      await vanishedMidCall(watchWorld(), withGroup);
      // Three left in the server's notice, each decided once across the two processes.
      await eventually(async () =>
        expect(
          await metricSum(nodes(), 'beckon_calls_ended_by_server_total{outcome="group_peer_left"}'),
        ).toBe(before + 3),
      );
    },
    60_000,
  );

  it("bob's device watched on both processes (it accepted on one, added someone from the other): one notice", async () => {
    const [n0, n1] = nodes();
    const tracked = trackedSockets();
    let attempt = 0;
    const bobTarget = () => [n1, n0][attempt++ % 2]?.wsUrl ?? '';
    const before = await metricSum(nodes(), 'beckon_calls_ended_by_server_total{outcome="group_peer_left"}');
    const w = watchWorld({
      at: (name) => (name === 'alice' ? n0 : name === 'bob' ? bobTarget : n1),
      bobDevice: { WebSocket: tracked.WebSocket },
    });
    await vanishedMidCall(w, false, async (bob) => {
      // Bob's device moves to alice's process and invites dave from there: both processes
      // watch it now, and both run a grace when it goes.
      const sessions = bob.states.filter((s) => s === 'connected').length;
      tracked.drop();
      await until(() => bob.states.filter((s) => s === 'connected').length > sessions, 'bob on n0');
      await bob.group.invite([w.id('dave')]);
    });
    await eventually(async () =>
      expect(await metricSum(nodes(), 'beckon_calls_ended_by_server_total{outcome="group_peer_left"}')).toBe(
        before + 3,
      ),
    );
  }, 60_000);

  it('an inviter gone while the call rings on one process leaves once someone on the other accepts', async () => {
    await inviterGoneWhileRinging(watchWorld());
  }, 60_000);

  it("bob's call device reconnects to the other process inside the grace: he stays in the call", async () => {
    const [n0, n1] = nodes();
    const tracked = trackedSockets();
    // Each attempt goes to the next process: the reconnect lands where the grace is not running.
    let attempt = 0;
    const bob = () => [n1, n0][attempt++ % 2]?.wsUrl ?? '';
    await backInsideGrace(
      watchWorld({
        at: (name) => (name === 'alice' ? n0 : name === 'bob' ? bob : n1),
        cut: () => tracked.drop(),
        bobDevice: { WebSocket: tracked.WebSocket },
      }),
    );
  }, 60_000);
});

describeRedis('distributed mode: the process holding a group call participant dies', () => {
  const { world, nodes } = twoProcesses();

  it("bob's process is killed: a survivor's process sees bob gone from the deployment and leaves for him", async () => {
    const [n0, n1] = nodes();
    const { cluster } = world;
    if (cluster === undefined) throw new Error('no cluster');
    const w: WatchWorld = {
      // Bob can only reach his own process: when it dies, he is gone.
      at: (name) => (name === 'bob' ? n1 : n0),
      http: n0,
      id: (name) => `${world.tag}${name}`,
      graceMs: GRACE_MS,
      roomOpen: async (roomID) => (await cluster.redis.exists(cluster.keys.groupRoom(roomID))) === 1,
    };
    const { alice, bob, carol, roomID, joined, view } = await threeInCall(w, false);
    await eventually(
      async () => expect(alice.client.serverNow() - joined.bob).toBeGreaterThanOrEqual(1200),
      5000,
    );
    const lost = alice.client.serverNow();
    await n1.kill9();
    // Bob's presence lasts its TTL (9 s), then two graces.
    await eventually(
      async () => expect([view(alice).bob, view(carol).bob]).toEqual(['left', 'left']),
      30_000,
    );
    const notices = hangups(alice).filter(({ event }) => event.inviter === bob.userID);
    expect(notices).toHaveLength(1);
    expect(notices[0]?.endReason).toBe('peerLeft');
    const seconds = notices[0]?.callEnd ?? -1;
    expect(seconds).toBeGreaterThanOrEqual(Math.round((lost - joined.bob) / 1000));
    expect(seconds).toBeLessThanOrEqual(Math.round((alice.client.serverNow() - joined.bob) / 1000));
    expect([alice.group.state.phase, carol.group.state.phase]).toEqual(['inCall', 'inCall']);
    await eventually(async () => {
      const res = await api(n0, 'GET', '/history', bob.token);
      const entry = res.body.entries.find((e: { roomID: string }) => e.roomID === roomID);
      expect(entry).toMatchObject({ outcome: 'completed', durationSeconds: seconds });
    });
  }, 60_000);
});
