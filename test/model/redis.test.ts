import { type BeckonServer, RedisStore } from '@beckon/server';
import { afterAll, beforeAll, it } from 'vitest';
import { describeRedis, freshPrefix, purge, REDIS_URL } from '../../packages/server/test/redis/cluster.js';
import { BECKON_RULES } from './model.js';
import { checkAgainstModel, type Runner } from './property.js';
import { serverWorld, startServers } from './serverWorld.js';

// Two servers sharing one Redis (two stores in this process, as two processes would be): devices
// start spread over both and a dropped device reconnects to the other one and resumes there.
// Redis keeps its deadlines on real time, so time does not pass here (timeouts are 0 or 30 s):
// deadlines have their own tests in packages/server/test/redis.
describeRedis('the reference model (test/model) against two servers on Redis', () => {
  const prefix = freshPrefix();
  let servers: BeckonServer[] = [];
  beforeAll(async () => {
    servers = await startServers([
      new RedisStore({ url: REDIS_URL, prefix }),
      new RedisStore({ url: REDIS_URL, prefix }),
    ]);
  }, 30_000);
  afterAll(async () => {
    for (const server of servers) await server.close();
    await purge(prefix);
  });

  const runner: Runner = {
    name: 'two servers on Redis',
    rules: BECKON_RULES,
    time: 'none',
    offline: 'move',
    bursts: false,
    settleMs: 10_000,
    runs: 100,
    maxSteps: 16,
    open: (run) => serverWorld(servers, run),
  };

  it(
    'random operations from six devices on two servers',
    () => checkAgainstModel(runner, { onlineOnlyAfterReconnect: 'strict' }),
    180_000,
  );
});
