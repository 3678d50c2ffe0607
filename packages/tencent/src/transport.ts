import {
  type Clock,
  type Command,
  type CommandReply,
  type ConnectionState,
  ErrorCode,
  type ErrorDetails,
  type InvitationSnapshot,
  MAX_INVITEES,
  newNumericRoomID,
  SignalingError,
  type SignalingErrorInfo,
  type SignalingEventKind,
  systemClock,
  type Transport,
  type TransportListener,
} from '@beckon/signaling';
import { tuiCallKitInterop } from '@beckon/signaling/call';
import { checkAction, checkInvite, errorInfo, glareCallee } from '@beckon/signaling/rules';
import { mapTencentError } from './errors.js';
import type { TencentTransportOptions } from './options.js';
import type { TencentChat } from './sdk.js';
import { listenSignaling } from './sdkEvents.js';
import { settled, TencentSession } from './session.js';
import { answerData, callPushInfo } from './tuicallkit.js';
import { LocalView } from './view.js';

export type { TencentTransportOptions } from './options.js';

const DEFAULT_GRACE_MS = 6000;
const DEFAULT_REMEMBERED = 1000;
const DEFAULT_RESYNC_WINDOW_MS = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

type Reply = Promise<CommandReply>;

function refuse(code: ErrorCode, message: string, details?: ErrorDetails): CommandReply {
  return { ok: false, error: errorInfo(code, message, details) };
}

function refuseWith(error: SignalingErrorInfo): CommandReply {
  return { ok: false, error };
}

function readInviteID(response: unknown): string | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const top = (response as { inviteID?: unknown }).inviteID;
  if (typeof top === 'string' && top !== '') return top;
  const data = (response as { data?: unknown }).data;
  if (typeof data === 'object' && data !== null) {
    const nested = (data as { inviteID?: unknown }).inviteID;
    if (typeof nested === 'string' && nested !== '') return nested;
  }
  return undefined;
}

/**
 * A Beckon {@link Transport} over Tencent Cloud Chat's signaling API (`@tencentcloud/chat`):
 * Beckon's hooks and components on an existing Tencent IM deployment, with no Beckon server,
 * wire-compatible with TUICallKit.
 *
 * Tencent has no arbiter: each client enforces timeouts and races are not decided anywhere.
 * Commands are checked with the rules' own guards before anything is sent, and the local view
 * ({@link LocalView}) stays consistent anyway: it never applies a transition to an invitation
 * that ended, never moves an invitee out of a terminal state, and drops late events about
 * invitations it does not hold. See the package README for every difference.
 *
 * @example
 * const transport = new TencentTransport({ SDKAppID, userID: 'alice', userSig: () => fetchSig('alice') });
 * const client = new SignalingClient({ transport });
 * client.connect();
 */
export class TencentTransport implements Transport {
  readonly #o: TencentTransportOptions;
  readonly #clock: Clock;
  readonly #deviceID: string;
  readonly #session: TencentSession;
  readonly #view: LocalView;
  #listener: TransportListener | undefined;
  #state: ConnectionState = 'idle';
  /** A session was given to the listener: events are forwarded from then on. */
  #announced = false;
  /** A session is starting: its snapshot comes next. */
  #readying = false;
  #sessions = 0;
  /** The SDK refuses a cancel/accept/reject while another is in flight: they go one at a time. */
  #handling: Promise<unknown> = Promise.resolve();

  constructor(options: TencentTransportOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#deviceID = options.deviceID ?? globalThis.crypto.randomUUID();
    this.#view = new LocalView({
      clock: this.#clock,
      userID: options.userID,
      graceMs: Math.max(0, options.timeoutGraceMs ?? DEFAULT_GRACE_MS),
      remembered: Math.max(1, options.rememberEnded ?? DEFAULT_REMEMBERED),
      emit: (event) => {
        if (this.#announced && !this.#session.closed) this.#listener?.onEvent(event);
      },
      resyncWindowMs: Math.max(0, options.resyncWindowMs ?? DEFAULT_RESYNC_WINDOW_MS),
      // The client learns what vanished from a snapshot that lacks it (onInvitationVanished).
      vanished: () => {
        if (this.#announced && !this.#readying && !this.#session.closed) this.#snapshot();
      },
    });
    const transport = this;
    this.#session = new TencentSession(options, this.#clock, {
      attached: (chat) => listenSignaling(chat, this.#view),
      ready: () => this.#onReady(),
      lost: () => this.#view.gap(),
      get state() {
        return transport.#state;
      },
      setState: (state, error) => {
        if (state === 'closed') this.#view.close();
        this.#setState(state, error);
      },
    });
  }

  get deviceID(): string {
    return this.#deviceID;
  }

  /** The SDK instance, once `connect()` has it. */
  get chat(): TencentChat | undefined {
    return this.#session.chat;
  }

  connect(listener: TransportListener): void {
    if (this.#listener !== undefined || this.#session.closed) return;
    this.#listener = listener;
    this.#setState('connecting');
    void this.#session.start();
  }

  /** Resolves with the outcome as a {@link CommandReply}; rejects only once closed. */
  request(command: Command): Reply {
    if (this.#session.closed) {
      return Promise.reject(new SignalingError(ErrorCode.NOT_CONNECTED, 'the transport is closed'));
    }
    return this.#run(command).catch((error: unknown) => refuseWith(mapTencentError(error, command.op)));
  }

  /** TUICallKit's switch to audio, for every call machine on this transport. */
  readonly callInterop = tuiCallKitInterop;

  /** Rooms TUICallKit can enter: a TRTC room number in 1..2147483647. */
  newRoomID(): string {
    return newNumericRoomID();
  }

  close(): void {
    if (this.#session.closed) return;
    this.#session.close();
    this.#view.close();
    this.#setState('closed');
  }

  #onReady(): void {
    const listener = this.#listener;
    this.#readying = true;
    // After a gap Tencent cannot say what ended meanwhile (only its resync and history replay
    // can): what we held stays uncertain until a word about it comes (`LocalView.gap`).
    this.#view.resumed();
    // What ended locally while we were away ends (or, uncertain, vanishes) before the snapshot.
    this.#view.expireAll();
    this.#readying = false;
    const now = this.#clock.now();
    this.#sessions++;
    // No server clock: the session's time is the local clock, so countdowns use local deadlines.
    listener?.onSession({
      userID: this.#o.userID,
      deviceID: this.#deviceID,
      sessionID: `tencent:${this.#o.userID}:${this.#deviceID}:${this.#sessions}`,
      serverTime: now,
    });
    this.#announced = true;
    this.#setState('connected');
    this.#snapshot();
  }

  #snapshot(): void {
    const snapshot: InvitationSnapshot = {
      at: this.#clock.now(),
      invitations: [...this.#view.records.values()],
    };
    this.#listener?.onSnapshot(snapshot);
  }

  #setState(state: ConnectionState, error?: SignalingErrorInfo): void {
    if (this.#state === state && error === undefined) return;
    this.#state = state;
    this.#listener?.onStateChange(state, error);
  }

  // ------------------------------------------------------------------ commands

  async #run(command: Command): Reply {
    const chat = this.#session.chat;
    if (chat === undefined || !this.#session.ready) {
      return refuse(ErrorCode.NOT_CONNECTED, 'not logged in to Tencent Cloud Chat');
    }
    switch (command.op) {
      case 'invite':
        return this.#invite(chat, command);
      case 'cancel':
      case 'accept':
      case 'reject': {
        const run = this.#handling.then(() => this.#handle(chat, command));
        this.#handling = run.catch(() => undefined);
        return run;
      }
      case 'modify':
        return this.#modify(chat, command);
      case 'addInvitees':
        return refuse(
          ErrorCode.INVALID_PARAMETERS,
          'Tencent Cloud Chat signaling has no addInvitees: send a new invitation to the added users',
        );
    }
  }

  async #invite(chat: TencentChat, command: Extract<Command, { op: 'invite' }>): Reply {
    const me = this.#o.userID;
    // The arbiter's checks, less group membership: Tencent checks that itself (9007 / 9008).
    const checked = checkInvite(me, command, this.#o.maxInvitees ?? MAX_INVITEES);
    if (!checked.ok) return refuseWith(checked.error);
    const invitees = checked.value;
    // Glare, as far as this client knows: the callee is already ringing us.
    const callee = glareCallee(command);
    const other = callee === undefined ? undefined : this.#view.ringing(callee, me);
    if (other !== undefined) {
      return refuse(ErrorCode.ALREADY_EXISTS, `${callee} is already inviting ${me}`, {
        inviteID: other.inviteID,
      });
    }
    const oneToOne = command.groupID === '';
    const pushInfo = callPushInfo(this.#o.offlinePushInfo, command.data, {
      sender: me,
      invitees,
      groupID: command.groupID,
      timeout: command.timeout,
      now: this.#clock.now() / 1000,
    });
    const push = pushInfo === undefined ? {} : { offlinePushInfo: pushInfo };
    const common = {
      data: command.data,
      timeout: command.timeout,
      onlineUserOnly: command.onlineUserOnly,
      ...push,
    };
    let response: unknown;
    try {
      response = settled(
        oneToOne
          ? await this.#bounded(chat.invite({ userID: invitees[0] ?? '', ...common }), 'invite')
          : await this.#bounded(
              chat.inviteInGroup({ groupID: command.groupID, inviteeList: [...invitees], ...common }),
              'inviteInGroup',
            ),
      );
    } catch (error) {
      return refuseWith(mapTencentError(error, oneToOne ? 'invite' : 'inviteInGroup'));
    }
    const inviteID = readInviteID(response);
    if (inviteID === undefined) {
      return refuse(
        ErrorCode.INTERNAL,
        'Tencent Cloud Chat accepted the invitation but returned no inviteID',
      );
    }
    this.#view.add({
      inviteID,
      inviter: me,
      groupID: command.groupID,
      invitees,
      data: command.data,
      timeout: command.timeout,
      onlineUserOnly: command.onlineUserOnly,
    });
    return { ok: true, inviteID };
  }

  async #handle(chat: TencentChat, command: Extract<Command, { op: 'cancel' | 'accept' | 'reject' }>): Reply {
    const me = this.#o.userID;
    const { op, inviteID } = command;
    const record = this.#view.get(inviteID);
    const checked = checkAction(record, me, command);
    if (!checked.ok) return refuseWith(checked.error);
    const data = answerData(record?.data ?? '', checked.value.data);
    try {
      settled(await this.#bounded(chat[op]({ inviteID, data }), op));
    } catch (error) {
      return refuseWith(mapTencentError(error, op));
    }
    // The SDK sent it; whether it counts here depends on what arrived meanwhile.
    const applied =
      op === 'cancel'
        ? this.#view.settle('cancel', inviteID, undefined, data)
        : this.#view.answer(op, inviteID, me, data, this.#deviceID);
    if (!applied) {
      return refuse(
        ErrorCode.INVITATION_INVALID,
        `invitation ${inviteID} ended here while the ${op} was on its way (Tencent does not arbitrate: the others may still receive the ${op})`,
      );
    }
    return { ok: true, inviteID };
  }

  async #modify(chat: TencentChat, command: Extract<Command, { op: 'modify' }>): Reply {
    const checked = checkAction(this.#view.get(command.inviteID), this.#o.userID, command);
    if (!checked.ok) return refuseWith(checked.error);
    const data = checked.value.data;
    try {
      settled(
        await this.#bounded(chat.modifyInvitation({ inviteID: command.inviteID, data }), 'modifyInvitation'),
      );
    } catch (error) {
      return refuseWith(mapTencentError(error, 'modifyInvitation'));
    }
    if (!this.#view.modified(command.inviteID, data)) {
      return refuse(
        ErrorCode.INVITATION_INVALID,
        `invitation ${command.inviteID} ended while being modified`,
      );
    }
    return { ok: true, inviteID: command.inviteID };
  }

  /** An SDK call that has not settled after `requestTimeoutMs` fails with 9002. */
  #bounded<T>(call: Promise<T>, what: string): Promise<T> {
    const ms = this.#o.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return new Promise<T>((resolve, reject) => {
      const timer = this.#clock.setTimer(this.#clock.now() + ms, () =>
        reject(
          new SignalingError(ErrorCode.REQUEST_TIMEOUT, `${what}: no answer from the SDK within ${ms} ms`),
        ),
      );
      call.then(
        (value) => {
          this.#clock.clearTimer(timer);
          resolve(value);
        },
        (error: unknown) => {
          this.#clock.clearTimer(timer);
          reject(error);
        },
      );
    });
  }
}

/** Event kinds this transport produces (no `addInvitees`, no `delivered`: Tencent has neither). */
export const TENCENT_EVENT_KINDS: readonly SignalingEventKind[] = [
  'invite',
  'accept',
  'reject',
  'cancel',
  'timeout',
  'modify',
];
