import {
  createGroupCallStore,
  GroupCallController,
  type GroupCallControllerOptions,
  type StandaloneGroupCallStore,
} from '@beckon/signaling/call';
import type { BeckonRuntime } from './context.js';

/** The group call controller of one runtime, started while at least one hook uses it. */
export interface GroupRuntime {
  readonly controller: GroupCallController;
  readonly store: StandaloneGroupCallStore;
  /** Starts the controller for one user of it; returns the release (stops after the last). */
  readonly retain: () => () => void;
}

/** Options of the group call controller; its state lives in a store of the runtime's own. */
export type BeckonGroupCallOptions = Omit<GroupCallControllerOptions, 'store' | 'lineBusy'>;

const runtimes = new WeakMap<BeckonRuntime, GroupRuntime>();

const active = (phase: string) => phase !== 'idle' && phase !== 'ended';

/**
 * One group call controller per runtime, made by the first group hook (so an app without group
 * calls never ships it). The one-to-one and the group controller each answer "line busy" while
 * the other has a call.
 */
export function groupRuntime(runtime: BeckonRuntime, options: BeckonGroupCallOptions = {}): GroupRuntime {
  const existing = runtimes.get(runtime);
  if (existing) return existing;
  const store = createGroupCallStore();
  const controller = new GroupCallController(runtime.client, {
    ...options,
    store,
    lineBusy: () => active(runtime.calls.state.phase),
  });
  let users = 0;
  let stop: (() => void) | undefined;
  const group: GroupRuntime = {
    controller,
    store,
    retain() {
      if (users++ === 0) {
        const stopController = controller.listen();
        const stopBusy = runtime.calls.busyWhen(() => active(store.getState().phase));
        stop = () => {
          stopBusy();
          stopController();
        };
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--users === 0) {
          stop?.();
          stop = undefined;
        }
      };
    },
  };
  runtimes.set(runtime, group);
  return group;
}
