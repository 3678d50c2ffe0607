import type { CallType } from '../callData.js';
import * as CallTypes from '../callTypes.js';
import type { SignalingClient } from '../client.js';
import type { Clock } from '../clock.js';
import { BeckonError, isErrorCode, SignalingError } from '../errors.js';
import type { InvitationRecord } from '../rules/types.js';
import type { CallState } from './state.js';
import { idleCall } from './state.js';
import { createStateStore, type StandaloneStateStore, type StateStore } from './stateStore.js';
import {
  type CallEffect,
  type CallInput,
  type CallInterop,
  type CallMachineState,
  type CallRequestFailure,
  callTransition,
  type GlareCall,
  type PendingCallAction,
} from './transition.js';

/** Where the call state lives: a slice of an app's store, or {@link createCallStore}'s own. */
export type CallStore = StateStore<CallState>;

/** A {@link CallStore} of its own, for apps without a store (a Node script, a test). */
export type StandaloneCallStore = StandaloneStateStore<CallState>;

/** A call state store of its own: `new CallController(client, { store: createCallStore() })` shares it. */
export const createCallStore = (initial: CallState = idleCall): StandaloneCallStore =>
  createStateStore(initial);

export interface CallControllerOptions {
  /** Seconds a call rings before it times out. Default 30. */
  readonly ringTimeoutSeconds?: number;
  /**
   * Room ids for new calls. Default: the transport's (`TencentTransport`: a TRTC room number
   * TUICallKit can enter), else `beckon-<uuid>`.
   */
  readonly newRoomID?: () => string;
  /**
   * How long the peer's media may be gone (it left the room, its connection failed) before this
   * side ends the call with `peerLeft` and sends the call-end; the call goes on if it comes back
   * sooner. Default 10 s.
   */
  readonly remoteLeaveGraceMs?: number;
  /** Seconds an answered call may stay `connecting` before the remote user's media enters (0: no limit). Default 30. */
  readonly connectTimeoutSeconds?: number;
  /**
   * How long past a phase's deadline the watchdog waits for the server's word before it ends the
   * call itself (`timedOut`, or `connectionLost` while disconnected). Default 5 s.
   */
  readonly watchdogGraceMs?: number;
  /**
   * Call behaviour only some apps need ({@link tuiCallKitInterop}: TUICallKit's switch to audio).
   * Default: the transport's (`TencentTransport` provides TUICallKit's), else none.
   */
  readonly interop?: CallInterop;
  /** Where the state lives. Default: a store of its own ({@link CallController.store}). */
  readonly store?: CallStore;
  /** The clock of the timers. Default: the client's. */
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

/** An input as the controller writes it: the time and who this side is are added on dispatch. */
type Input = CallInput extends infer I ? (I extends CallInput ? Omit<I, 'now' | 'self'> : never) : never;

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
  #watchdog: unknown;
  readonly #busy = new Set<() => boolean>();

  constructor(client: SignalingClient, options: CallControllerOptions = {}) {
    this.#client = client;
    this.#o = options;
    this.#store = options.store ?? createStateStore(idleCall);
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
      c.on('onInviteeAccepted', (e) => void this.#dispatch({ ...e, type: 'accepted' })),
      c.on('onInviteeRejected', (e) => void this.#dispatch({ ...e, type: 'rejected' })),
      c.on('onInvitationCancelled', (e) => void this.#dispatch({ ...e, type: 'cancelled' })),
      c.on('onInvitationTimeout', (e) => void this.#dispatch({ ...e, type: 'timedOut' })),
      c.on('onInvitationVanished', (e) => void this.#dispatch({ ...e, type: 'vanished' })),
    ];
    // Invitations that arrived before this controller started (offline delivery, an early
    // connect) still ring: take them oldest first, as they would have come.
    const waiting = [...c.invitations.values()].sort((a, b) => a.createdAt - b.createdAt);
    for (const record of waiting) void this.#seen(record);
    return () => {
      this.#disarm();
      this.#watch(undefined);
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
      peer,
      roomID,
      callType: options.callType ?? CallTypes.VIDEO,
      ringTimeoutSeconds: this.#ring(),
    });
  }

  /** Answers the ringing call; the media layer then enters the room (seed step 3). */
  accept(): Promise<void> {
    return this.#dispatch({ type: 'accept' });
  }

  /** Declines the ringing call; `busy` sends the line-busy reason instead. */
  decline(options: { busy?: boolean } = {}): Promise<void> {
    return this.#dispatch({ type: 'decline', busy: options.busy ?? false });
  }

  /** Cancels a ringing outgoing call, declines an incoming one, or ends the call with its duration. */
  hangUp(): Promise<void> {
    return this.#dispatch({ type: 'hangUp' });
  }

  /**
   * Asks the peer to switch the video call to audio (TUICallKit's `switchToAudio`); the call's
   * `callType` becomes audio when the peer accepts. Does nothing outside a connected video call.
   * Rejects with a `BeckonError` (`switch-unavailable`) unless {@link tuiCallKitInterop} is on
   * (the Tencent transport turns it on; on the Beckon server pass `interop` in the options).
   */
  switchToAudio(): Promise<void> {
    if (!(this.#o.interop ?? this.#client.callInterop))
      return Promise.reject(
        new BeckonError('switch-unavailable', 'switchToAudio needs interop: tuiCallKitInterop'),
      );
    return this.#dispatch({ type: 'switchToAudio', ringTimeoutSeconds: this.#ring() });
  }

  /** The media layer saw the remote user enter the room: the call starts now (seed step 3). */
  remoteEntered(): void {
    void this.#dispatch({ type: 'remoteEntered' });
  }

  /**
   * The media layer saw the remote user leave (or the connection to them fail). If the peer
   * neither comes back (`remoteEntered`) nor sends its call-end within the grace period (it
   * crashed or lost the network), this side ends the call as `peerLeft` and sends the call-end
   * with the duration up to the loss (seed step 5).
   */
  remoteLeft(graceMs = this.#o.remoteLeaveGraceMs ?? 10_000): void {
    void this.#dispatch({ type: 'remoteLeft', graceMs });
  }

  /** The media layer failed (camera denied, ICE failure...): end the call and tell the peer. */
  fail(reason: string): void {
    void this.#dispatch({ type: 'fail', reason });
  }

  /** Back to idle after an ended call (missed calls are kept). */
  reset(): void {
    void this.#dispatch({ type: 'reset' });
  }

  clearMissed(): void {
    void this.#dispatch({ type: 'clearMissed' });
  }

  /**
   * Tells the controller when the line is busy elsewhere (a group call): while `check` returns
   * true, a call that rings is rejected busy (and counted as missed). Returns the cleanup.
   *
   * @example
   * const off = calls.busyWhen(() => groupCalls.busy);
   */
  busyWhen(check: () => boolean): () => void {
    this.#busy.add(check);
    return () => this.#busy.delete(check);
  }

  #ring(): number {
    return this.#o.ringTimeoutSeconds ?? 30;
  }

  #seen(invitation: InvitationRecord): Promise<void> {
    return this.#dispatch({
      type: 'invitation',
      invitation,
      lineBusy: [...this.#busy].some((busy) => busy()),
    });
  }

  /** One step at the server's time: the transition, the new state stored at once, then the effects. */
  #dispatch(input: Input): Promise<void> {
    const c = this.#client;
    const before: CallMachineState = {
      call: this.#store.getState(),
      pending: this.#pending,
      glare: this.#glare,
    };
    const self = { userID: c.userID, deviceID: c.session?.deviceID };
    const { state, effects } = callTransition(
      before,
      { ...input, now: c.serverNow(), self } as CallInput,
      this.#o.interop ?? c.callInterop,
    );
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
            (inviteID) => this.#dispatch({ type: 'dialed', roomID, inviteID }),
            (error: unknown) => {
              const existingID = error instanceof SignalingError ? error.details?.inviteID : undefined;
              const existing = existingID
                ? { inviteID: existingID, record: c.getInvitation(existingID) }
                : undefined;
              return this.#dispatch({ type: 'dialFailed', roomID, failure: failureOf(error), existing });
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
            void this.#dispatch({ type: 'leaveGraceOver', inviteID });
          });
          break;
        }
        case 'disarmLeaveTimer':
          this.#disarm();
          break;
        case 'watch':
          this.#watch(effect);
          break;
        case 'refuse':
          refusal = SignalingError.from(effect);
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
    return request.then(
      () => this.#dispatch({ type: `${action}Done`, inviteID }),
      (error: unknown) => this.#dispatch({ type: `${action}Failed`, inviteID, failure: failureOf(error) }),
    );
  }

  /**
   * Arms the watchdog for the phase, or stops it. Connecting: the connect timeout from now.
   * Ringing: the deadline the invitation had when it rang, else (a transport that learns it
   * later, as Tencent's does) the ring timeout; when it fires, the invitation as the client
   * holds it then decides: a later deadline re-arms it, no deadline at all stops it.
   */
  #watch(effect: Extract<CallEffect, { type: 'watch' }> | undefined): void {
    const clock = this.#clock;
    if (this.#watchdog !== undefined) clock.clearTimer(this.#watchdog);
    this.#watchdog = undefined;
    if (effect === undefined) return;
    const { phase } = effect;
    const c = this.#client;
    const now = c.serverNow();
    // 0 seconds: that phase never times out, and the watchdog leaves it alone.
    const after = (seconds: number) => (seconds > 0 ? now + seconds * 1000 : undefined);
    const deadline =
      phase === 'connecting'
        ? after(this.#o.connectTimeoutSeconds ?? 30)
        : phase === 'ringing'
          ? (effect.deadline ?? after(this.#ring()))
          : phase === 'dialing'
            ? effect.deadline
            : undefined;
    if (deadline === undefined) return;
    const inviteID = this.state.inviteID;
    const grace = this.#o.watchdogGraceMs ?? 5000;
    this.#watchdog = clock.setTimer(clock.now() + deadline - now + grace, () => {
      this.#watchdog = undefined;
      const mine = inviteID
        ? c.getInvitation(inviteID)?.invitees.find((i) => i.userID === c.userID)
        : undefined;
      if (phase === 'ringing' && mine) {
        // As the client holds it now: a later deadline re-arms; none (0) never times out.
        if (mine.deadline > deadline) return this.#watch({ ...effect, deadline: mine.deadline });
        if (mine.deadline === 0) return;
      }
      const connected = c.connectionState === 'connected';
      void this.#dispatch({ type: 'deadlineOver', phase, inviteID, connected });
    });
  }

  #disarm(): void {
    if (this.#leaveTimer === undefined) return;
    this.#clock.clearTimer(this.#leaveTimer);
    this.#leaveTimer = undefined;
  }
}
