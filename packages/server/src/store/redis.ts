// The Redis store lives in ./redis/; this is its entry.
export { RedisUrlError } from './redis/connect.js';
export { StoreUnavailableError } from './redis/errors.js';
export { RedisStore, type RedisStoreOptions } from './redis/store.js';
