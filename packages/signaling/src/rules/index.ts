// The arbiter's side: the pure rules and the effect runner. Clients do not need this entry.
export { type DeliverEffect, EffectRunner, type RunnerOptions } from '../runner.js';
export { Arbiter, type ArbiterOptions } from './arbiter.js';
export { ClientFrameSchema, parseClientFrame, parseServerFrameStrict, ServerFrameSchema } from './frames.js';
export { PersistentMap } from './persistentMap.js';
export { applyEvent, isActive } from './reduce.js';
export { transition } from './transition.js';
