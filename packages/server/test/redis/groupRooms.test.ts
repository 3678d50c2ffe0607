import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { BeckonServer } from '../../src/server.js';
import { RedisStore } from '../../src/store/redis.js';
import { groupHistoryInGroup, groupHistoryWithoutGroup } from '../groupHistoryScenario.js';
import { groupRoomInGroup, groupRoomRules, groupRoomWithoutGroup, Parties } from '../groupRoomScenario.js';
import { startServer } from '../helpers.js';
import {
  type Cluster,
  describeRedis,
  eventually,
  freshPrefix,
  type Node,
  purge,
  REDIS_URL,
  startCluster,
} from './cluster.js';

// Group call rooms and history (issue 21) with the parties on two server processes sharing one Redis.

describeRedis('group call media rooms across two server processes', () => {
  let cluster: Cluster;
  let n0: Node;
  let n1: Node;
  const parties = new Parties();
  let run = 0;
  let tag = 'g0-';
  /** Inviters and outsiders on one process, callees on the other. */
  const at = (name: string) => (/(alice|mallory|dave)$/.test(name) ? n0 : n1);
  const id = (name: string) => `${tag}${name}`;

  beforeAll(async () => {
    cluster = await startCluster(2);
    [n0, n1] = cluster.nodes as [Node, Node];
  }, 60_000);
  afterEach(() => {
    parties.close();
    tag = `g${++run}-`;
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('open on the first accept, let in later acceptors, refuse outsiders, close when all have left', async () => {
    await groupRoomWithoutGroup(parties, at, id);
    await eventuallyGone(cluster, id('group-room'));
  }, 30_000);

  it('history: one entry per room per party; a leave notice completes its sender only', async () => {
    await groupHistoryWithoutGroup(parties, at, id);
  }, 30_000);

  it('history in a chat group: the group on every entry', async () => {
    await groupHistoryInGroup(parties, at, id);
  }, 30_000);

  it('in a chat group: each acceptor, and people added later by someone in the room', async () => {
    await groupRoomInGroup(parties, at, id);
    const key = cluster.keys.groupRoom(id('team-room'));
    expect(await cluster.redis.hget(key, `u:${id('dave')}`)).toBe('0');
    expect(await cluster.redis.pttl(key)).toBeGreaterThan(0);
  }, 30_000);
});

async function eventuallyGone(cluster: Cluster, roomID: string): Promise<void> {
  await eventually(async () => expect(await cluster.redis.exists(cluster.keys.groupRoom(roomID))).toBe(0));
}

describeRedis('group call room rules, on Redis', () => {
  let server: BeckonServer | undefined;
  let prefix = '';
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await purge(prefix);
  });

  it('the Redis store applies the room rules atomically', async () => {
    prefix = freshPrefix();
    const store = new RedisStore({ url: REDIS_URL, prefix });
    server = await startServer({ store });
    await groupRoomRules(store, 'room-1');
  });
});
