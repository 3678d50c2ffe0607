import { parseArgs } from 'node:util';
import { createToken } from './auth.js';
import { type IceServersOptions, iceServersFromEnv } from './iceServers.js';
import { createBeckonServer } from './server.js';
import { RedisStore } from './store/redis.js';
import { trtcFromEnv } from './trtc.js';

const USAGE = `beckon-server [--port 8787] [--host 127.0.0.1] [--dev] [--secret S] [--allowed-origins a,b]
              [--redis redis://127.0.0.1:6379] [--redis-prefix beckon:]
              [--max-connections-per-user 16] [--max-active-invitations 1000]
              [--user-rate 100] [--user-burst 200] [--max-token-lifetime 86400] [--call-grace-ms 10000]
              [--call-end-notice-seconds 60] [--max-groups-per-user 1000]
              [--stun-urls stun:turn.example.com:3478] [--turn-secret S] [--turn-ttl 3600] [--relay-only]
              [--turn-urls turn:turn.example.com:3478,turns:turn.example.com:5349]
beckon-server token --user NAME [--ttl SECONDS] [--secret S]

--redis runs this process as one node of a deployment sharing that Redis (default: in memory); a
Redis Cluster is given by its seed nodes: redis+cluster://host1:6379,host2:6379 (or several
redis:// URLs separated by commas).
--turn-urls / --turn-secret: GET /ice-servers hands signed-in users these TURN URLs with credentials
that coturn (use-auth-secret, static-auth-secret = the same secret) accepts for --turn-ttl seconds;
--relay-only tells clients to send media only through TURN.
--call-grace-ms: how long a party of an answered call may have no socket of its call's device before
the server hangs up in its name (end_reason peerLeft); in a group call, sends their leave notice.
--call-end-notice-seconds: how long a call-end notice (a hang-up) nobody acknowledged waits before it
times out (0: never).

Environment: BECKON_PORT, BECKON_HOST, BECKON_SECRET, BECKON_DEV=1, BECKON_ALLOWED_ORIGINS, BECKON_LOG_LEVEL,
REDIS_URL, BECKON_REDIS_PREFIX, BECKON_MAX_CONNECTIONS_PER_USER, BECKON_MAX_ACTIVE_INVITATIONS,
BECKON_USER_RATE, BECKON_USER_BURST, BECKON_MAX_TOKEN_LIFETIME (seconds), BECKON_CALL_GRACE_MS,
BECKON_CALL_END_NOTICE_SECONDS, BECKON_MAX_GROUPS_PER_USER, BECKON_STUN_URLS,
BECKON_TURN_URLS, BECKON_TURN_SECRET, BECKON_TURN_TTL, BECKON_TURN_RELAY_ONLY=1.

Outside --dev the secret must be at least 32 bytes (openssl rand -hex 32).`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    dev: { type: 'boolean' },
    secret: { type: 'string' },
    'allowed-origins': { type: 'string' },
    redis: { type: 'string' },
    'redis-prefix': { type: 'string' },
    'stun-urls': { type: 'string' },
    'turn-urls': { type: 'string' },
    'turn-secret': { type: 'string' },
    'turn-ttl': { type: 'string' },
    'relay-only': { type: 'boolean' },
    user: { type: 'string' },
    ttl: { type: 'string' },
    'max-connections-per-user': { type: 'string' },
    'max-active-invitations': { type: 'string' },
    'user-rate': { type: 'string' },
    'user-burst': { type: 'string' },
    'max-token-lifetime': { type: 'string' },
    'call-grace-ms': { type: 'string' },
    'call-end-notice-seconds': { type: 'string' },
    'max-groups-per-user': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const env = process.env;
const secret = values.secret ?? env.BECKON_SECRET;

/** A numeric option from its flag or environment variable; createBeckonServer checks the range. */
function numeric(flag: keyof typeof values, name: string): number | undefined {
  const raw = values[flag] ?? env[name];
  if (raw === undefined || raw === '' || typeof raw !== 'string') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    console.error(`invalid --${flag}: ${raw}`);
    process.exit(2);
  }
  return value;
}

if (values.help) {
  console.log(USAGE);
} else if (positionals[0] === 'token') {
  if (!secret || !values.user) {
    console.error('token needs --user and a secret (--secret or BECKON_SECRET)');
    process.exit(2);
  }
  console.log(await createToken({ secret, userID: values.user, ttlSeconds: Number(values.ttl ?? 3600) }));
} else {
  const origins = values['allowed-origins'] ?? env.BECKON_ALLOWED_ORIGINS;
  const port = Number(values.port ?? env.BECKON_PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid port: ${values.port ?? env.BECKON_PORT}`);
    process.exit(2);
  }
  const dev = values.dev ?? env.BECKON_DEV === '1';
  const trtc = trtcFromEnv(env);
  const redisUrl = values.redis ?? env.REDIS_URL;
  const prefix = values['redis-prefix'] ?? env.BECKON_REDIS_PREFIX;
  const maxConnectionsPerUser = numeric('max-connections-per-user', 'BECKON_MAX_CONNECTIONS_PER_USER');
  const maxActiveInvitations = numeric('max-active-invitations', 'BECKON_MAX_ACTIVE_INVITATIONS');
  const userRate = numeric('user-rate', 'BECKON_USER_RATE');
  const userBurst = numeric('user-burst', 'BECKON_USER_BURST');
  const maxTokenLifetimeSeconds = numeric('max-token-lifetime', 'BECKON_MAX_TOKEN_LIFETIME');
  const callGraceMs = numeric('call-grace-ms', 'BECKON_CALL_GRACE_MS');
  const callEndNoticeSeconds = numeric('call-end-notice-seconds', 'BECKON_CALL_END_NOTICE_SECONDS');
  const maxGroupsPerUser = numeric('max-groups-per-user', 'BECKON_MAX_GROUPS_PER_USER');
  // Flags win over the environment, one setting at a time.
  const iceServers: IceServersOptions | undefined = iceServersFromEnv({
    BECKON_STUN_URLS: values['stun-urls'] ?? env.BECKON_STUN_URLS,
    BECKON_TURN_URLS: values['turn-urls'] ?? env.BECKON_TURN_URLS,
    BECKON_TURN_SECRET: values['turn-secret'] ?? env.BECKON_TURN_SECRET,
    BECKON_TURN_TTL: values['turn-ttl'] ?? env.BECKON_TURN_TTL,
    BECKON_TURN_RELAY_ONLY: values['relay-only'] ? '1' : env.BECKON_TURN_RELAY_ONLY,
  });
  try {
    const server = await createBeckonServer({
      ...(redisUrl
        ? { store: new RedisStore({ url: redisUrl, ...(prefix ? { prefix } : {}), callEndNoticeSeconds }) }
        : { callEndNoticeSeconds }),
      port,
      host: values.host ?? env.BECKON_HOST ?? '127.0.0.1',
      dev,
      ...(secret ? { secret } : {}),
      ...(origins ? { allowedOrigins: origins === '*' ? '*' : origins.split(',').map((o) => o.trim()) } : {}),
      logLevel: env.BECKON_LOG_LEVEL ?? 'info',
      ...(trtc ? { trtc } : {}),
      ...(maxConnectionsPerUser === undefined ? {} : { maxConnectionsPerUser }),
      ...(maxActiveInvitations === undefined ? {} : { maxActiveInvitations }),
      ...(maxTokenLifetimeSeconds === undefined ? {} : { maxTokenLifetimeSeconds }),
      ...(callGraceMs === undefined ? {} : { callGraceMs }),
      ...(maxGroupsPerUser === undefined ? {} : { maxGroupsPerUser }),
      userRateLimit: {
        ...(userRate === undefined ? {} : { perSecond: userRate }),
        ...(userBurst === undefined ? {} : { burst: userBurst }),
      },
      ...(iceServers ? { iceServers } : {}),
    });
    const stop = () => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  } catch (error) {
    console.error(String((error as Error).message ?? error));
    process.exit(1);
  }
}
