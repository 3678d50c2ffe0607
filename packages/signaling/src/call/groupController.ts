import { CallType } from '../callData.js';
import type { SignalingClient } from '../client.js';
import type { Clock } from '../clock.js';
import { BeckonError, ErrorCode, isErrorCode, SignalingError } from '../errors.js';
import type { InvitationRecord } from '../rules/types.js';
import { groupCallTransition } from './group.js';
import {
  DEFAULT_GROUP_CONFIG,
  type GroupCallConfig,
  type GroupCallEffect,
  type GroupCallInput,
  type GroupCallMachineState,
  initialGroupCallMachine,
} from './groupMachine.js';
import { type GroupCallState, idleGroupCall } from './groupState.js';
import { createStateStore, type StandaloneStateStore, type StateStore } from './stateStore.js';
import type { CallRequestFailure } from './transition.js';

/** Where the group call state lives: a slice of an app's store, or {@link createGroupCallStore}'s own. */
export type GroupCallStore = StateStore<GroupCallState>;

/** A {@link GroupCallStore} of its own, for apps without a store (a Node script, a test). */
export type StandaloneGroupCallStore = StandaloneStateStore<GroupCallState>;

export const createGroupCallStore = (initial: GroupCallState = idleGroupCall): StandaloneGroupCallStore =>
  createStateStore(initial);

export interface GroupCallControllerOptions {
  /** Seconds each invitation rings before it times out (0: never). Default 30. */
  readonly ringTimeoutSeconds?: number;
  /**
   * How long someone's media may be gone (without a leave notice) before they count as left.
   * Default 10 s.
   */
  readonly remoteLeaveGraceMs?: number;
  /** Seconds this side may stay `connecting` before anyone's media enters (0: no limit). Default 30. */
  readonly connectTimeoutSeconds?: number;
  /** How long past a deadline the watchdog waits for the server's word. Default 5 s. */
  readonly watchdogGraceMs?: number;
  /**
   * Everyone in a call at once, this side included (joined, ringing or invited): starting or
   * adding past it rejects with a `BeckonError` `group-call-full` ({@link GroupCallFullError},
   * `details.limit`). Default 6
   * (the WebRTC mesh); TRTC rooms take 9 (TUICallKit's group call UI). At least 2.
   */
  readonly maxParticipants?: number;
  /**
   * Whether this user is in a call this controller does not run (a one-to-one call): a group
   * call that rings meanwhile is rejected busy.
   */
  readonly lineBusy?: () => boolean;
  /** Room ids for new calls. Default: the transport's, else `beckon-<uuid>`. */
  readonly newRoomID?: () => string;
  /** Where the state lives. Default: a store of its own ({@link GroupCallController.store}). */
  readonly store?: GroupCallStore;
  /** The clock of the timers. Default: the client's. */
  readonly clock?: Clock;
}

export interface GroupCallStartOptions {
  /** The chat group the call belongs to: one invitation to everyone. Default '' (one each). */
  readonly groupID?: string;
  /** Default video. */
  readonly callType?: CallType;
  readonly roomID?: string;
}

/** A call to join again: its room, and what the UI shows until media tells who is there. */
export interface GroupCallTarget {
  readonly roomID: string;
  readonly groupID?: string;
  readonly callType?: CallType;
  readonly participants?: readonly string[];
}

const ignore = () => {};

/**
 * Starting, adding to or joining a group call would pass `maxParticipants`: a
 * {@link BeckonError} with code `group-call-full` and the limit in `details`.
 *
 * @example
 * try { await group.invite(['dave']) } catch (e) {
 *   if (e instanceof BeckonError && e.code === 'group-call-full') showFull(e.details.limit);
 * }
 */
export class GroupCallFullError extends BeckonError<'group-call-full'> {
  override name = 'GroupCallFullError';
  readonly details: { readonly limit: number };

  constructor(message: string, limit: number) {
    super('group-call-full', message);
    this.details = { limit };
  }
}

function failureOf(error: unknown): CallRequestFailure {
  const code = error instanceof SignalingError && isErrorCode(error.code) ? error.code : undefined;
  return { code, message: error instanceof Error ? error.message : String(error) };
}

/** An input as the controller writes it: the time and who this side is are added on dispatch. */
type Input = GroupCallInput extends infer I
  ? I extends GroupCallInput
    ? Omit<I, 'now' | 'self'>
    : never
  : never;

function configOf(o: GroupCallControllerOptions): GroupCallConfig {
  const config: GroupCallConfig = {
    ringTimeoutSeconds: o.ringTimeoutSeconds ?? DEFAULT_GROUP_CONFIG.ringTimeoutSeconds,
    connectTimeoutSeconds: o.connectTimeoutSeconds ?? DEFAULT_GROUP_CONFIG.connectTimeoutSeconds,
    watchdogGraceMs: o.watchdogGraceMs ?? DEFAULT_GROUP_CONFIG.watchdogGraceMs,
    maxParticipants: o.maxParticipants ?? DEFAULT_GROUP_CONFIG.maxParticipants,
  };
  if (!Number.isInteger(config.maxParticipants) || config.maxParticipants < 2)
    throw new SignalingError(
      ErrorCode.INVALID_PARAMETERS,
      'maxParticipants must be a whole number, at least 2',
      {
        field: 'maxParticipants',
      },
    );
  return config;
}

/**
 * Runs the group call machine ({@link groupCallTransition}) for one client: it feeds the
 * client's events and the app's actions in, and carries out the effects (invitations, leave
 * notices, one leave timer per person and a watchdog on the injected clock). Framework free;
 * `@beckon/react`'s group hook binds it. `listen()` subscribes it to the client.
 *
 * @example
 * const group = new GroupCallController(client, { lineBusy: () => calls.state.phase !== 'idle' && calls.state.phase !== 'ended' });
 * const stop = group.listen();
 * await group.start(['bob', 'carol'], { callType: CallType.AUDIO });
 * group.remoteEntered('bob'); // from the media room
 */
export class GroupCallController {
  readonly #client: SignalingClient;
  readonly #o: GroupCallControllerOptions;
  readonly #store: GroupCallStore;
  readonly #clock: Clock;
  /** The machine but its call (which lives in the store). */
  #m: GroupCallMachineState;
  readonly #leaveTimers = new Map<string, unknown>();
  #watchdog: unknown;

  constructor(client: SignalingClient, options: GroupCallControllerOptions = {}) {
    this.#client = client;
    this.#o = options;
    this.#store = options.store ?? createGroupCallStore();
    this.#clock = options.clock ?? client.clock;
    this.#m = initialGroupCallMachine(configOf(options));
  }

  /** The store the state lives in (the one passed in, or the controller's own). */
  get store(): GroupCallStore {
    return this.#store;
  }

  get state(): GroupCallState {
    return this.#store.getState();
  }

  /** Subscribes to the client; returns the cleanup (timers stopped too). */
  listen(): () => void {
    const c = this.#client;
    const offs = [
      c.on('onReceiveNewInvitation', (e) => void this.#seen(e.invitation)),
      c.on('onInviteeAccepted', (e) => void this.#dispatch({ ...e, type: 'accepted' })),
      c.on('onInviteeRejected', (e) => void this.#dispatch({ ...e, type: 'rejected' })),
      c.on('onInvitationCancelled', (e) => void this.#dispatch({ ...e, type: 'cancelled' })),
      c.on('onInvitationTimeout', (e) => void this.#dispatch({ ...e, type: 'timedOut' })),
      c.on('onInvitationVanished', (e) => void this.#dispatch({ ...e, type: 'vanished' })),
    ];
    // Invitations that arrived before this controller listened still ring, oldest first.
    const waiting = [...c.invitations.values()].sort((a, b) => a.createdAt - b.createdAt);
    for (const record of waiting) void this.#seen(record);
    return () => {
      this.#disarm(undefined);
      this.#watch(undefined);
      for (const off of offs) off();
    };
  }

  /**
   * Rings `invitees` (everyone but this user) into a new call: with `groupID`, one invitation in
   * that group; without, one invitation each (at least two people: one person is a one-to-one
   * call). Rejects with a `SignalingError` (6017) for bad input or while in a call, and with a
   * `BeckonError` `group-call-full` past `maxParticipants`.
   */
  start(invitees: readonly string[], options: GroupCallStartOptions = {}): Promise<void> {
    const roomID =
      options.roomID ??
      this.#o.newRoomID?.() ??
      this.#client.newRoomID() ??
      `beckon-${globalThis.crypto.randomUUID()}`;
    return this.#dispatch({
      type: 'start',
      invitees,
      groupID: options.groupID ?? '',
      callType: options.callType ?? CallType.VIDEO,
      roomID,
    });
  }

  /** Answers the ringing call; the media layer then enters the room. */
  accept(): Promise<void> {
    return this.#dispatch({ type: 'accept' });
  }

  /** Declines the ringing call; `busy` sends the line-busy reason instead. */
  decline(options: { busy?: boolean } = {}): Promise<void> {
    return this.#dispatch({ type: 'decline', busy: options.busy ?? false });
  }

  /**
   * Leaves the call (its still-ringing invitations cancelled, the leave notice sent to everyone
   * who was in it), or cancels it while dialing, or declines it while ringing.
   */
  hangUp(): Promise<void> {
    return this.#dispatch({ type: 'hangUp' });
  }

  /** Adds people to the call (anyone in it may): a new invitation listing only them. */
  invite(userIDs: readonly string[]): Promise<void> {
    return this.#dispatch({ type: 'invite', userIDs });
  }

  /**
   * Enters a call's room again (after a decline, a timeout or a leave), without an invitation:
   * `connecting` until someone's media enters, `timedOut` if nobody does within the connect
   * timeout. Default: the last call.
   */
  join(call?: GroupCallTarget): Promise<void> {
    const s = this.state;
    const roomID = call?.roomID ?? s.roomID;
    if (roomID === undefined)
      return Promise.reject(
        new SignalingError(ErrorCode.INVALID_PARAMETERS, 'no call to join: name its room'),
      );
    const same = call === undefined || call.roomID === s.roomID;
    return this.#dispatch({
      type: 'join',
      roomID,
      groupID: call?.groupID ?? (same ? s.groupID : ''),
      callType: call?.callType ?? (same ? s.callType : undefined) ?? CallType.VIDEO,
      participants: call?.participants ?? (same ? s.participants.map((p) => p.userID) : []),
    });
  }

  /** The media layer saw `userID`'s media enter the room. */
  remoteEntered(userID: string): void {
    void this.#dispatch({ type: 'remoteEntered', userID });
  }

  /**
   * The media layer saw `userID`'s media leave (or its connection fail): unless it comes back or
   * their leave notice arrives within the grace, they count as left.
   */
  remoteLeft(userID: string, graceMs = this.#o.remoteLeaveGraceMs ?? 10_000): void {
    void this.#dispatch({ type: 'remoteLeft', userID, graceMs });
  }

  /** The media layer failed: the call ends `failed`, and the others are told as on a leave. */
  fail(reason: string): void {
    void this.#dispatch({ type: 'fail', reason });
  }

  /** Back to idle after an ended call. */
  reset(): void {
    void this.#dispatch({ type: 'reset' });
  }

  #seen(invitation: InvitationRecord): Promise<void> {
    return this.#dispatch({ type: 'invitation', invitation, lineBusy: this.#o.lineBusy?.() ?? false });
  }

  /** One step at the server's time: the transition, the new state stored at once, then the effects. */
  #dispatch(input: Input): Promise<void> {
    const c = this.#client;
    const before: GroupCallMachineState = { ...this.#m, call: this.#store.getState() };
    const self = { userID: c.userID, deviceID: c.session?.deviceID };
    const { state, effects } = groupCallTransition(before, {
      ...input,
      now: c.serverNow(),
      self,
    } as GroupCallInput);
    this.#m = state;
    if (state.call !== before.call) this.#store.setState(state.call);
    return this.#run(effects);
  }

  /** Starts every effect in order (none waits for the one before) and settles when all have. */
  #run(effects: readonly GroupCallEffect[]): Promise<void> {
    const c = this.#client;
    const pending: Promise<unknown>[] = [];
    let refusal: Error | undefined;
    for (const effect of effects) {
      switch (effect.type) {
        case 'place':
          pending.push(this.#place(effect));
          break;
        case 'accept':
          pending.push(this.#report('accept', effect.inviteID, c.accept(effect.inviteID, effect.data)));
          break;
        case 'decline':
          pending.push(this.#report('decline', effect.inviteID, c.reject(effect.inviteID, effect.data)));
          break;
        case 'reject':
          pending.push(c.reject(effect.inviteID, effect.data).catch(ignore));
          break;
        case 'cancel':
          pending.push(c.cancel(effect.inviteID).catch(ignore));
          break;
        case 'acknowledge':
          // Nobody waits for it; its sender may have cancelled it first (8010).
          c.accept(effect.inviteID, '').catch(ignore);
          break;
        case 'sendLeave':
          pending.push(this.#leave(effect));
          break;
        case 'armLeaveTimer': {
          const { userID } = effect;
          this.#disarm(userID);
          const timer = this.#clock.setTimer(this.#clock.now() + effect.afterMs, () => {
            this.#leaveTimers.delete(userID);
            void this.#dispatch({ type: 'leaveGraceOver', userID });
          });
          this.#leaveTimers.set(userID, timer);
          break;
        }
        case 'disarmLeaveTimer':
          this.#disarm(effect.userID);
          break;
        case 'watch':
          this.#watch(effect.at);
          break;
        case 'refuse': {
          const r = effect.refusal;
          refusal =
            r.code === 'group-call-full'
              ? new GroupCallFullError(r.message, r.limit)
              : new SignalingError(r.code, r.message);
          break;
        }
      }
    }
    if (refusal) return Promise.reject(refusal);
    return Promise.all(pending).then(ignore);
  }

  /**
   * Rings the effect's invitees (one inviteInGroup, or one invite each) and feeds each reply
   * back; rejects with the first error when no invitation could be placed.
   */
  async #place(effect: Extract<GroupCallEffect, { type: 'place' }>): Promise<void> {
    const c = this.#client;
    const { groupID, roomID, data, timeout } = effect;
    const batches = groupID === '' ? effect.invitees.map((u) => [u]) : [effect.invitees];
    const errors: unknown[] = [];
    await Promise.all(
      batches.map((invitees) =>
        (groupID === ''
          ? c.invite(invitees[0] ?? '', data, { timeout })
          : c.inviteInGroup(groupID, invitees, data, { timeout })
        ).then(
          (inviteID) => this.#dispatch({ type: 'placed', roomID, invitees, inviteID }),
          (error: unknown) => {
            errors.push(error);
            return this.#dispatch({ type: 'placeFailed', roomID, invitees, failure: failureOf(error) });
          },
        ),
      ),
    );
    if (errors.length === batches.length) throw errors[0];
  }

  /** The leave notice: invitations with timeout 0, each cancelled as soon as its reply arrives. */
  #leave(effect: Extract<GroupCallEffect, { type: 'sendLeave' }>): Promise<void> {
    const c = this.#client;
    const { groupID, to, data } = effect;
    const sent =
      groupID === ''
        ? to.map((u) => c.invite(u, data, { timeout: 0 }))
        : [c.inviteInGroup(groupID, to, data, { timeout: 0 })];
    return Promise.all(sent.map((p) => p.then((inviteID) => c.cancel(inviteID)).catch(ignore))).then(ignore);
  }

  /** Feeds the outcome of an action's request back: `<action>Done` or `<action>Failed`. */
  #report(action: 'accept' | 'decline', inviteID: string, request: Promise<unknown>): Promise<void> {
    return request.then(
      () => this.#dispatch({ type: `${action}Done`, inviteID }),
      (error: unknown) => this.#dispatch({ type: `${action}Failed`, inviteID, failure: failureOf(error) }),
    );
  }

  /** Arms the watchdog for `at` (server time), or stops it. */
  #watch(at: number | undefined): void {
    const clock = this.#clock;
    if (this.#watchdog !== undefined) clock.clearTimer(this.#watchdog);
    this.#watchdog = undefined;
    if (at === undefined) return;
    const c = this.#client;
    this.#watchdog = clock.setTimer(clock.now() + Math.max(0, at - c.serverNow()), () => {
      this.#watchdog = undefined;
      void this.#dispatch({ type: 'deadlineOver', connected: c.connectionState === 'connected' });
    });
  }

  /** Stops one user's leave timer, or every one. */
  #disarm(userID: string | undefined): void {
    for (const [user, timer] of this.#leaveTimers) {
      if (userID !== undefined && user !== userID) continue;
      this.#clock.clearTimer(timer);
      this.#leaveTimers.delete(user);
    }
  }
}
