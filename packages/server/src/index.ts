export { type CreateTokenOptions, createToken, type VerifyResult, verifyToken } from './auth.js';
export { type DemoCspOptions, demoContentSecurityPolicy, TENCENT_HOSTS } from './csp.js';
export {
  DEFAULT_TURN_TTL_SECONDS,
  type IceServersBody,
  IceServersConfigError,
  type IceServersOptions,
  iceServersFromEnv,
  MAX_TURN_TTL_SECONDS,
  type RtcIceServer,
  turnCredentials,
} from './iceServers.js';
export { DEFAULT_MAX_GROUPS_PER_USER, GroupCapError } from './limits.js';
export { Metrics } from './metrics.js';
export { originAllowed } from './origin.js';
export type { CallRooms, GroupRoom, GroupRoomLeave, GroupRooms, SharedRoom } from './rooms.js';
export { type BeckonServer, type BeckonServerOptions, createBeckonServer } from './server.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory.js';
export { RedisStore, type RedisStoreOptions, RedisUrlError, StoreUnavailableError } from './store/redis.js';
export type {
  CallOutcome,
  Delivery,
  Group,
  HistoryEntry,
  Store,
  StoreListener,
  StoreSnapshot,
} from './store/types.js';

export { trtcFromEnv } from './trtc.js';
export {
  createUserSig,
  DEFAULT_USER_SIG_EXPIRE_SECONDS,
  decodeUserSig,
  type UserSigDocument,
  type UserSigOptions,
  type VerifyUserSigOptions,
  type VerifyUserSigResult,
  verifyUserSig,
} from './userSig.js';
