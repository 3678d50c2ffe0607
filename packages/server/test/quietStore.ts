import pino from 'pino';
import type { StoreListener } from '../src/store/types.js';

// For tests that drive a store alone (no server): a listener and a logger that do nothing.

/** A store listener that does nothing: nothing but the store runs. */
export const quietListener: StoreListener = {
  deliver() {},
  committed() {},
  accepted() {},
  ended() {},
  groupChanged() {},
  queueChanged() {},
  resync() {},
  reset() {},
  relayed() {},
};

export const silentLog = pino({ level: 'silent' });
