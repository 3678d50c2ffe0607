import type { GroupCallStartOptions, GroupCallState, GroupCallTarget } from '@beckon/signaling/call';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useBeckonRuntime } from './context.js';
import { type BeckonGroupCallOptions, groupRuntime } from './groupRuntime.js';

/** What `useGroupCall` can do; the same object for as long as the provider's client stays. */
export interface GroupCallActions {
  /** Rings several people at once; the call is established when the first one accepts. */
  readonly start: (invitees: readonly string[], options?: GroupCallStartOptions) => Promise<void>;
  readonly accept: () => Promise<void>;
  readonly decline: (options?: { busy?: boolean }) => Promise<void>;
  /** Leaves the call (the others go on while two remain); cancels while dialing, declines while ringing. */
  readonly hangUp: () => Promise<void>;
  /** Adds people while in the call. */
  readonly invite: (userIDs: readonly string[]) => Promise<void>;
  /** Joins the call again after declining, missing or leaving it, while it lasts. */
  readonly join: (call?: GroupCallTarget) => Promise<void>;
  /** Media callbacks (`useGroupCallRoom` calls them). */
  readonly remoteEntered: (userID: string) => void;
  readonly remoteLeft: (userID: string) => void;
  readonly fail: (reason: string) => void;
  /** Back to idle after an ended call. */
  readonly reset: () => void;
}

export interface UseGroupCallResult extends GroupCallState {
  readonly actions: GroupCallActions;
}

export interface UseGroupCallOptions extends BeckonGroupCallOptions {}

/**
 * The seed's multi-person call: ring several people (in a chat group or not), each accepts or
 * declines on their own, the call goes on while two people are in it. `participants` lists
 * everyone else with their state (invited, ringing, joined, declined, left...). Busy, multi-device
 * and leave notices are handled for you (by `GroupCallController` from `@beckon/signaling/call`).
 * The first component that uses the hook creates the controller with its options; render it
 * where it stays mounted, so group calls ring while the app runs.
 *
 * @example
 * const group = useGroupCall();
 * <button onClick={() => group.actions.start(['bob', 'carol'], { callType: CallType.VIDEO })}>Call both</button>
 * {group.participants.map((p) => <li key={p.userID}>{p.userID}: {p.state}</li>)}
 */
export function useGroupCall(options: UseGroupCallOptions = {}): UseGroupCallResult {
  const runtime = useBeckonRuntime('useGroupCall');
  const group = groupRuntime(runtime, options);
  useEffect(() => group.retain(), [group]);
  const { store, controller } = group;
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  const grace = options.remoteLeaveGraceMs;
  const actions = useMemo<GroupCallActions>(
    () => ({
      start: (invitees, o) => controller.start(invitees, o),
      accept: () => controller.accept(),
      decline: (o) => controller.decline(o),
      hangUp: () => controller.hangUp(),
      invite: (userIDs) => controller.invite(userIDs),
      join: (call) => controller.join(call),
      remoteEntered: (userID) => controller.remoteEntered(userID),
      remoteLeft: (userID) => controller.remoteLeft(userID, grace),
      fail: (reason) => controller.fail(reason),
      reset: () => controller.reset(),
    }),
    [controller, grace],
  );
  return useMemo(() => ({ ...state, actions }), [state, actions]);
}
