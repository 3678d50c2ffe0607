import { CallType } from '../callData.js';
import type { SignalingClient } from '../client.js';
import type { Clock } from '../clock.js';
import { isErrorCode, SignalingError } from '../errors.js';
import type { InvitationRecord } from '../rules/types.js';
import type { CallState } from './state.js';
import { idleCall } from './state.js';
import {
  type CallEffect,
  type CallInput,
  type CallMachineState,
  type CallRequestFailure,
  type CallSelf,
  callTransition,
  type GlareCall,
  type PendingCallAction,
} from './transition.js';

/** Where the call state lives: a slice of an app's store, or {@link createCallStore}'s own. */
export interface CallStore {
  getState(): CallState;
  setState(state: CallState): void;
}

/** A {@link CallStore} of its own, for apps without a store (a Node script, a test). */
export interface StandaloneCallStore extends CallStore {
  /** Calls `listener` after every change; returns the unsubscribe. */
  subscribe(listener: (state: CallState) => void): () => void;
}

export function createCallStore(initial: CallState = idleCall): StandaloneCallStore {
  let state = initial;
  const listeners = new Set<(state: CallState) => void>();
  return {
    getState: () => state,
    setState(next) {
      state = next;
      for (const listener of [...listeners]) listener(state);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface CallControllerOptions {
  /** Seconds a call rings before it times out. Default 30. */
  readonly ringTimeoutSeconds?: number;
  /**
   * Room ids for new calls. Default: the transport's (`TencentTransport`: a TRTC room number
   * TUICallKit can enter), else `beckon-<uuid>`.
   */
  readonly newRoomID?: () => string;
  /** How long to wait for the peer's call-end after its media left before sending our own. Default 2 s. */
  readonly remoteLeaveGraceMs?: number;
  /** Where the state lives. Default: a store of its own ({@link CallController.store}). */
  readonly store?: CallStore;
  /** The clock of the leave timer. Default: the client's. */
  readonly clock?: Clock;
}

export interface DialOptions {
  readonly callType?: CallType;
  readonly roomID?: string;
}

function failureOf(error: unknown): CallRequestFailure {
  const code = error instanceof SignalingError && isErrorCode(error.code) ? error.code : undefined;
  return { code, message: error instanceof Error ? error.message : String(error) };
}

const ignore = () => {};

/**
 * Runs the one-to-one call machine ({@link callTransition}) for one client: it feeds the
 * client's events and the app's actions in, and carries out the effects (requests, one timer on
 * the injected clock). Framework free: React binds it through `@beckon/react`'s `useCall`.
 *
 * @example
 * const calls = new CallController(client);
 * const stop = calls.start();
 * calls.store.subscribe((call) => console.log(call.phase));
 * await calls.dial('bob', { callType: CallType.AUDIO });
 */
export class CallController {
  readonly #client: SignalingClient;
  readonly #o: CallControllerOptions;
  readonly #store: CallStore;
  readonly #clock: Clock;
  #pending: PendingCallAction | undefined;
  #glare: readonly GlareCall[] = [];
  #leaveTimer: unknown;

  constructor(client: SignalingClient, options: CallControllerOptions = {}) {
    this.#client = client;
    this.#o = options;
    this.#store = options.store ?? createCallStore();
    this.#clock = options.clock ?? client.clock;
  }

  /** The store the state lives in (the one passed in, or the controller's own). */
  get store(): CallStore {
    return this.#store;
  }

  get state(): CallState {
    return this.#store.getState();
  }

  /** Subscribes to the client; returns the cleanup. */
  start(): () => void {
    const c = this.#client;
    const offs = [
      c.on('onReceiveNewInvitation', (e) => void this.#seen(e.invitation)),
      ...(['accepted', 'rejected'] as const).map((type) =>
        c.on(type === 'accepted' ? 'onInviteeAccepted' : 'onInviteeRejected', (e) => {
          const { invitation, inviteID, invitee, device, data } = e;
          const seen = { now: c.serverNow(), self: this.#self(), invitation, inviteID };
          void this.#dispatch({ ...seen, type, invitee, device, data });
        }),
      ),
      c.on('onInvitationCancelled', ({ invitation, inviteID, inviter }) => {
        const seen = { now: c.serverNow(), self: this.#self(), invitation, inviteID };
        void this.#dispatch({ ...seen, type: 'cancelled', inviter });
      }),
      c.on('onInvitationTimeout', ({ invitation, inviteID }) => {
        void this.#dispatch({
          type: 'timedOut',
          now: c.serverNow(),
          self: this.#self(),
          invitation,
          inviteID,
        });
      }),
    ];
    // Invitations that arrived before this controller started (offline delivery, an early
    // connect) still ring: take them oldest first, as they would have come.
    const waiting = [...c.invitations.values()].sort((a, b) => a.createdAt - b.createdAt);
    for (const record of waiting) void this.#seen(record);
    return () => {
      this.#disarm();
      for (const off of offs) off();
    };
  }

  /** Places a call: the room id travels in the invitation data (seed step 1). */
  dial(peer: string, options: DialOptions = {}): Promise<void> {
    const roomID =
      options.roomID ??
      this.#o.newRoomID?.() ??
      this.#client.newRoomID() ??
      `beckon-${globalThis.crypto.randomUUID()}`;
    return this.#dispatch({
      type: 'dial',
      now: this.#client.serverNow(),
      peer,
      roomID,
      callType: options.callType ?? CallType.VIDEO,
      self: this.#self(),
      ringTimeoutSeconds: this.#o.ringTimeoutSeconds ?? 30,
    });
  }

  /** Answers the ringing call; the media layer then enters the room (seed step 3). */
  accept(): Promise<void> {
    return this.#dispatch({ type: 'accept', now: this.#client.serverNow() });
  }

  /** Declines the ringing call; `busy` sends the line-busy reason instead. */
  decline(options: { busy?: boolean } = {}): Promise<void> {
    return this.#dispatch({ type: 'decline', now: this.#client.serverNow(), busy: options.busy ?? false });
  }

  /** Cancels a ringing outgoing call, declines an incoming one, or ends the call with its duration. */
  hangUp(): Promise<void> {
    return this.#dispatch({ type: 'hangUp', now: this.#client.serverNow() });
  }

  /**
   * Asks the peer to switch the video call to audio (TUICallKit's `switchToAudio`); the call's
   * `callType` becomes audio when the peer accepts. Does nothing outside a connected video call.
   */
  switchToAudio(): Promise<void> {
    const ringTimeoutSeconds = this.#o.ringTimeoutSeconds ?? 30;
    return this.#dispatch({ type: 'switchToAudio', now: this.#client.serverNow(), ringTimeoutSeconds });
  }

  /** The media layer saw the remote user enter the room: the call starts now (seed step 3). */
  remoteEntered(): void {
    void this.#dispatch({ type: 'remoteEntered', now: this.#client.serverNow() });
  }

  /**
   * The media layer saw the remote user leave. If no call-end invitation follows shortly (the
   * peer crashed or lost the network), this side ends the call and sends it (seed step 5).
   */
  remoteLeft(): void {
    const graceMs = this.#o.remoteLeaveGraceMs ?? 2000;
    void this.#dispatch({ type: 'remoteLeft', now: this.#client.serverNow(), graceMs });
  }

  /** The media layer failed (camera denied, ICE failure...): end the call and tell the peer. */
  fail(reason: string): void {
    void this.#dispatch({ type: 'fail', now: this.#client.serverNow(), reason });
  }

  /** Back to idle after an ended call (missed calls are kept). */
  reset(): void {
    void this.#dispatch({ type: 'reset', now: this.#client.serverNow() });
  }

  clearMissed(): void {
    void this.#dispatch({ type: 'clearMissed', now: this.#client.serverNow() });
  }

  #self(): CallSelf {
    return { userID: this.#client.userID, deviceID: this.#client.session?.deviceID };
  }

  #seen(invitation: InvitationRecord): Promise<void> {
    return this.#dispatch({
      type: 'invitation',
      now: this.#client.serverNow(),
      self: this.#self(),
      invitation,
    });
  }

  /** One step: the transition, the new state stored at once, then the effects. */
  #dispatch(input: CallInput): Promise<void> {
    const before: CallMachineState = {
      call: this.#store.getState(),
      pending: this.#pending,
      glare: this.#glare,
    };
    const { state, effects } = callTransition(before, input);
    this.#pending = state.pending;
    this.#glare = state.glare;
    if (state.call !== before.call) this.#store.setState(state.call);
    return this.#run(effects);
  }

  /** Starts every effect in order (none waits for the one before) and settles when all have. */
  #run(effects: readonly CallEffect[]): Promise<void> {
    const c = this.#client;
    const pending: Promise<unknown>[] = [];
    let refusal: SignalingError | undefined;
    for (const effect of effects) {
      switch (effect.type) {
        case 'placeCall': {
          const { roomID } = effect;
          const placed = c.invite(effect.peer, effect.data, { timeout: effect.timeout }).then(
            (inviteID) => this.#dispatch({ type: 'dialed', now: c.serverNow(), roomID, inviteID }),
            (error: unknown) => {
              const existingID = error instanceof SignalingError ? error.details?.inviteID : undefined;
              const existing = existingID
                ? { inviteID: existingID, record: c.getInvitation(existingID) }
                : undefined;
              return this.#dispatch({
                type: 'dialFailed',
                now: c.serverNow(),
                roomID,
                failure: failureOf(error),
                existing,
              });
            },
          );
          pending.push(placed);
          break;
        }
        case 'accept':
          pending.push(this.#report('accept', effect.inviteID, c.accept(effect.inviteID)));
          break;
        case 'decline':
          pending.push(this.#report('decline', effect.inviteID, c.reject(effect.inviteID, effect.data)));
          break;
        case 'acknowledge':
          // Nobody waits for the acknowledgement of a call-end notice.
          c.accept(effect.inviteID, effect.data).catch(ignore);
          break;
        case 'requestSwitch':
          pending.push(c.invite(effect.peer, effect.data, { timeout: effect.timeout }));
          break;
        case 'reject':
          pending.push(c.reject(effect.inviteID, effect.data).catch(ignore));
          break;
        case 'cancel':
          pending.push(this.#report('cancel', effect.inviteID, c.cancel(effect.inviteID)));
          break;
        case 'sendCallEnd':
          pending.push(c.invite(effect.peer, effect.data, { timeout: 0 }).catch(ignore));
          break;
        case 'armLeaveTimer': {
          this.#disarm();
          const { inviteID } = effect;
          this.#leaveTimer = this.#clock.setTimer(this.#clock.now() + effect.afterMs, () => {
            this.#leaveTimer = undefined;
            void this.#dispatch({ type: 'leaveGraceOver', now: c.serverNow(), inviteID });
          });
          break;
        }
        case 'disarmLeaveTimer':
          this.#disarm();
          break;
        case 'refuse':
          refusal = new SignalingError(effect.code, effect.message);
          break;
      }
    }
    if (refusal) return Promise.reject(refusal);
    return Promise.all(pending).then(ignore);
  }

  /** Feeds the outcome of an action's request back: `<action>Done` or `<action>Failed`. */
  #report(
    action: 'accept' | 'decline' | 'cancel',
    inviteID: string,
    request: Promise<unknown>,
  ): Promise<void> {
    const c = this.#client;
    return request.then(
      () => this.#dispatch({ type: `${action}Done`, now: c.serverNow(), inviteID }),
      (error: unknown) =>
        this.#dispatch({ type: `${action}Failed`, now: c.serverNow(), inviteID, failure: failureOf(error) }),
    );
  }

  #disarm(): void {
    if (this.#leaveTimer === undefined) return;
    this.#clock.clearTimer(this.#leaveTimer);
    this.#leaveTimer = undefined;
  }
}
