import {
  ActionType,
  applyEvent,
  type Clock,
  type Command,
  type CommandReply,
  type ConnectionState,
  checkData,
  checkInviteeList,
  checkTimeout,
  ErrorCode,
  type ErrorDetails,
  envelopeOf,
  errorInfo,
  type InvitationRecord,
  isActive,
  MAX_INVITEES,
  readRecord,
  SignalingError,
  type SignalingErrorInfo,
  type SignalingEvent,
  type SignalingEventKind,
  type Snapshot,
  systemClock,
  type Transport,
  type TransportListener,
} from '@beckon/signaling';
import { isCredentialError, mapTencentError } from './errors.js';
import {
  ChatEventName,
  KickedOutType,
  NetState,
  type OfflinePushInfo,
  SignalingEventName,
  type TencentChat,
  type TencentChatFactory,
} from './sdk.js';

interface CommonOptions {
  /** The Tencent Cloud Chat user id this transport logs in as. */
  readonly userID: string;
  /**
   * The UserSig, or a function that fetches one (asked again for every login, so an expired
   * signature is replaced). Leave it out when the app logs the `chat` instance in itself.
   */
  readonly userSig?: string | (() => string | Promise<string>);
  /** Stable id of this device or tab; random by default. Tencent does not carry it to others. */
  readonly deviceID?: string;
  readonly clock?: Clock;
  /**
   * Tencent's SDK times invitations out on each client (the invitee at the deadline, the inviter
   * 5 s later) and tells the others. The transport ends whatever is still pending this long after
   * its local deadline, so a lost notice never leaves an invitation ringing. Default 6000 ms.
   */
  readonly timeoutGraceMs?: number;
  /** How many ended invitation ids are remembered, so late events about them are dropped. Default 1000. */
  readonly rememberEnded?: number;
  /** Passed to `invite` / `inviteInGroup` (offline push on iOS and Android). */
  readonly offlinePushInfo?: OfflinePushInfo;
  /** Login retry backoff after a failure that is not about credentials. */
  readonly retry?: { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** An SDK call that has not settled by then fails with 9002 (the next one may go). Default 15 s. */
  readonly requestTimeoutMs?: number;
  /** Log out on `close()`. Default: true when this transport logged in. */
  readonly logoutOnClose?: boolean;
}

/**
 * Either an SDK instance the app already has (`TencentCloudChat.create({ SDKAppID })`, shared
 * with a chat UI for example), or the SDKAppID, and the transport creates the instance on
 * `connect()` (the SDK is loaded then, with a dynamic import).
 */
export type TencentTransportOptions = CommonOptions &
  (
    | { readonly chat: TencentChat }
    | { readonly SDKAppID: number; readonly createChat?: TencentChatFactory | undefined }
  );

const DEFAULT_GRACE_MS = 6000;
const DEFAULT_REMEMBERED = 1000;
const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** The web SDK resolves a repeated login; older builds rejected it with 2025. */
const REPEAT_LOGIN = 2025;

type Reply = Promise<CommandReply>;

function refuse(code: ErrorCode, message: string, details?: ErrorDetails): CommandReply {
  return { ok: false, error: errorInfo(code, message, details) };
}

function refuseWith(error: SignalingErrorInfo): CommandReply {
  return { ok: false, error };
}

/** The SDK resolves some failures instead of rejecting (`{ code: n }` with n ≠ 0): make them throw. */
function settled<T>(response: T): T {
  if (typeof response === 'object' && response !== null) {
    const code = (response as { code?: unknown }).code;
    if (typeof code === 'number' && code !== 0) throw response;
  }
  return response;
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

function errorCodeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** `event.data` of an SDK event, as a plain record (prototype keys refused), or undefined. */
function payload(event: unknown): Readonly<Record<string, unknown>> | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const data = readRecord((event as { data?: unknown }).data);
  return data.ok ? data.value : undefined;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
function ids(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list = value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [...new Set(list)];
}

/**
 * A Beckon {@link Transport} over Tencent Cloud Chat's signaling API (`@tencentcloud/chat`):
 * Beckon's hooks and components on an existing Tencent IM deployment, with no Beckon server,
 * wire-compatible with TUICallKit.
 *
 * Tencent has no arbiter: each client enforces timeouts and races are not decided anywhere.
 * The transport keeps a local view that stays consistent anyway: it never applies a transition
 * to an invitation that ended, never moves an invitee out of a terminal state, and drops late
 * events about invitations it does not hold. See the package README for every difference.
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
  readonly #grace: number;
  readonly #remembered: number;
  #chat: TencentChat | undefined;
  #listener: TransportListener | undefined;
  #state: ConnectionState = 'idle';
  /** SDK_READY seen and not lost since. */
  #ready = false;
  /** A session was given to the listener: events are forwarded from then on. */
  #announced = false;
  #loggedIn = false;
  #closed = false;
  #sessions = 0;
  #attempt = 0;
  #retryTimer: unknown;
  #serial = 0;
  #offs: Array<() => void> = [];
  /** Active invitations: the local view. */
  readonly #records = new Map<string, InvitationRecord>();
  /** Ids of invitations that ended here, oldest first: late events about them are dropped. */
  readonly #ended = new Set<string>();
  readonly #timers = new Map<string, unknown>();
  /** Incoming invitations whose timeout the SDK event did not carry (3.6.6 does not). */
  readonly #unknownTimeout = new Set<string>();
  /** The SDK refuses a cancel/accept/reject while another is in flight: they go one at a time. */
  #handling: Promise<unknown> = Promise.resolve();

  constructor(options: TencentTransportOptions) {
    this.#o = options;
    this.#clock = options.clock ?? systemClock;
    this.#deviceID = options.deviceID ?? globalThis.crypto.randomUUID();
    this.#grace = Math.max(0, options.timeoutGraceMs ?? DEFAULT_GRACE_MS);
    this.#remembered = Math.max(1, options.rememberEnded ?? DEFAULT_REMEMBERED);
  }

  get deviceID(): string {
    return this.#deviceID;
  }

  /** The SDK instance, once `connect()` has it. */
  get chat(): TencentChat | undefined {
    return this.#chat;
  }

  connect(listener: TransportListener): void {
    if (this.#listener !== undefined || this.#closed) return;
    this.#listener = listener;
    this.#setState('connecting');
    void this.#start();
  }

  /** Resolves with the outcome as a {@link CommandReply}; rejects only once closed. */
  request(command: Command): Reply {
    if (this.#closed) {
      return Promise.reject(new SignalingError(ErrorCode.NOT_CONNECTED, 'the transport is closed'));
    }
    return this.#run(command).catch((error: unknown) => refuseWith(mapTencentError(error, command.op)));
  }

  close(): void {
    if (this.#closed) return;
    this.#shutdown();
    const chat = this.#chat;
    // Never `destroy()`: `TencentCloudChat.create` hands out one instance per SDKAppID, which
    // other parts of the app may be using.
    if (chat !== undefined && this.#loggedIn && (this.#o.logoutOnClose ?? true)) {
      void Promise.resolve()
        .then(() => chat.logout())
        .catch(() => {});
    }
    this.#setState('closed');
  }

  // ---------------------------------------------------------------- connection

  async #start(): Promise<void> {
    let chat: TencentChat;
    try {
      chat = await this.#obtainChat();
    } catch (error) {
      this.#fail(mapTencentError(error, 'creating the Tencent Cloud Chat instance'));
      return;
    }
    if (this.#closed) return;
    this.#chat = chat;
    this.#listen(chat);
    await this.#login();
  }

  async #obtainChat(): Promise<TencentChat> {
    const o = this.#o;
    if ('chat' in o) return o.chat;
    if (o.createChat !== undefined) return o.createChat({ SDKAppID: o.SDKAppID });
    const sdk = await import('@tencentcloud/chat');
    return sdk.default.create({ SDKAppID: o.SDKAppID });
  }

  #listen(chat: TencentChat): void {
    const on = (name: ChatEventName, handler: (event: unknown) => void) => {
      chat.on(name, handler);
      this.#offs.push(() => chat.off(name, handler));
    };
    const signal = (name: SignalingEventName, handler: (event: unknown) => void) => {
      chat.addSignalingListener(name, handler);
      this.#offs.push(() => chat.removeSignalingListener(name, handler));
    };
    on(ChatEventName.SDK_READY, () => this.#onReady());
    on(ChatEventName.SDK_NOT_READY, () => this.#onNotReady());
    on(ChatEventName.KICKED_OUT, (event) => this.#onKickedOut(payload(event)));
    on(ChatEventName.NET_STATE_CHANGE, (event) => this.#onNetState(payload(event)));
    on(ChatEventName.MESSAGE_RECEIVED, (event) => this.#onMessages(event));
    signal(SignalingEventName.NEW_INVITATION_RECEIVED, (event) => this.#onInvitation(payload(event)));
    signal(SignalingEventName.INVITEE_ACCEPTED, (event) => this.#onAnswer('accept', payload(event)));
    signal(SignalingEventName.INVITEE_REJECTED, (event) => this.#onAnswer('reject', payload(event)));
    signal(SignalingEventName.INVITATION_CANCELLED, (event) => this.#onCancelled(payload(event)));
    signal(SignalingEventName.INVITATION_TIMEOUT, (event) => this.#onTimeout(payload(event)));
    signal(SignalingEventName.INVITATION_MODIFIED, (event) => this.#onModified(payload(event)));
  }

  async #login(): Promise<void> {
    const chat = this.#chat;
    if (chat === undefined || this.#closed) return;
    const sig = this.#o.userSig;
    if (sig === undefined) {
      // The app logs in itself; SDK_READY (or an instance already ready) starts the session.
      if (chat.isReady()) this.#onReady();
      return;
    }
    let userSig: string;
    try {
      userSig = typeof sig === 'string' ? sig : await sig();
    } catch (error) {
      this.#retry(mapTencentError(error, 'fetching the userSig'));
      return;
    }
    if (this.#closed) return;
    try {
      settled(await chat.login({ userID: this.#o.userID, userSig }));
    } catch (error) {
      if (errorCodeOf(error) !== REPEAT_LOGIN) {
        const info = mapTencentError(error, 'login');
        if (isCredentialError(info)) this.#fail(info);
        else this.#retry(info);
        return;
      }
    }
    if (this.#closed) return;
    this.#loggedIn = true;
    this.#attempt = 0;
    if (chat.isReady()) this.#onReady();
  }

  #retry(error: SignalingErrorInfo): void {
    if (this.#closed) return;
    this.#setState('reconnecting', error);
    const initial = this.#o.retry?.initialDelayMs ?? 1000;
    const max = this.#o.retry?.maxDelayMs ?? 30_000;
    const delay = Math.min(max, initial * 2 ** this.#attempt);
    this.#attempt++;
    this.#clock.clearTimer(this.#retryTimer);
    this.#retryTimer = this.#clock.setTimer(this.#clock.now() + delay, () => void this.#login());
  }

  #onReady(): void {
    if (this.#closed || this.#ready) return;
    this.#ready = true;
    const listener = this.#listener;
    // What ended locally while we were away ends before the snapshot.
    for (const id of [...this.#records.keys()]) this.#expire(id);
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
    const snapshot: Snapshot = { at: now, invitations: [...this.#records.values()] };
    listener?.onSnapshot(snapshot);
  }

  #onNotReady(): void {
    if (this.#closed || !this.#ready) return;
    this.#ready = false;
    this.#setState('reconnecting');
  }

  #onNetState(data: Readonly<Record<string, unknown>> | undefined): void {
    if (this.#closed) return;
    const state = data?.state;
    if (state === NetState.CONNECTED) {
      if (this.#ready) this.#setState('connected');
    } else if (state === NetState.CONNECTING || state === NetState.DISCONNECTED) {
      if (this.#state === 'connected') this.#setState('reconnecting');
    }
  }

  #onKickedOut(data: Readonly<Record<string, unknown>> | undefined): void {
    if (this.#closed) return;
    const type = typeof data?.type === 'string' ? data.type : 'unknown';
    this.#ready = false;
    this.#loggedIn = false;
    if (type === KickedOutType.USERSIG_EXPIRED) {
      if (typeof this.#o.userSig === 'function') {
        // A fresh signature may fix it: log in again.
        this.#setState(
          'reconnecting',
          errorInfo(ErrorCode.UNAUTHORIZED, 'userSig expired; logging in with a new one'),
        );
        void this.#login();
        return;
      }
      this.#fail(errorInfo(ErrorCode.UNAUTHORIZED, 'kicked out: the userSig expired'));
      return;
    }
    const why =
      type === KickedOutType.REST_API
        ? 'by the REST API'
        : type === KickedOutType.MULTIPLE_ACCOUNT || type === KickedOutType.MULTIPLE_DEVICE
          ? `: ${this.#o.userID} logged in elsewhere`
          : '';
    this.#fail(errorInfo(ErrorCode.CLOSED, `kicked out (${type})${why}`));
  }

  #fail(error: SignalingErrorInfo): void {
    if (this.#closed) return;
    this.#shutdown();
    this.#setState('closed', error);
  }

  #shutdown(): void {
    this.#closed = true;
    this.#ready = false;
    this.#clock.clearTimer(this.#retryTimer);
    for (const handle of this.#timers.values()) this.#clock.clearTimer(handle);
    this.#timers.clear();
    for (const off of this.#offs) off();
    this.#offs = [];
  }

  #setState(state: ConnectionState, error?: SignalingErrorInfo): void {
    if (this.#state === state && error === undefined) return;
    this.#state = state;
    this.#listener?.onStateChange(state, error);
  }

  // ------------------------------------------------------------------ commands

  async #run(command: Command): Reply {
    const chat = this.#chat;
    if (chat === undefined || !this.#ready) {
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
    const list = checkInviteeList(command.inviteeList, 'inviteeList', MAX_INVITEES);
    if (!list.ok) return refuseWith(list.error);
    const data = checkData(command.data);
    if (!data.ok) return refuseWith(data.error);
    const timeout = checkTimeout(command.timeout);
    if (!timeout.ok) return refuseWith(timeout.error);
    if (typeof command.groupID !== 'string') {
      return refuse(ErrorCode.INVALID_PARAMETERS, 'groupID must be a string');
    }
    const invitees = [...new Set(list.value)];
    if (invitees.length === 0) return refuse(ErrorCode.INVALID_PARAMETERS, 'inviteeList must not be empty');
    if (invitees.includes(me)) return refuse(ErrorCode.INVALID_PARAMETERS, 'an inviter cannot invite itself');
    const oneToOne = command.groupID === '';
    if (oneToOne && invitees.length !== 1) {
      return refuse(ErrorCode.INVALID_PARAMETERS, 'a one-to-one invitation has exactly one invitee');
    }
    const callee = invitees[0] ?? '';
    if (oneToOne && timeout.value > 0) {
      // Glare, as far as this client knows: the callee is already ringing us.
      const other = this.#ringing(callee, me);
      if (other !== undefined) {
        return refuse(ErrorCode.ALREADY_EXISTS, `${callee} is already inviting ${me}`, {
          inviteID: other.inviteID,
        });
      }
    }
    const push = this.#o.offlinePushInfo === undefined ? {} : { offlinePushInfo: this.#o.offlinePushInfo };
    const common = {
      data: data.value,
      timeout: timeout.value,
      onlineUserOnly: command.onlineUserOnly,
      ...push,
    };
    let response: unknown;
    try {
      response = settled(
        oneToOne
          ? await this.#bounded(chat.invite({ userID: callee, ...common }), 'invite')
          : await this.#bounded(
              chat.inviteInGroup({ groupID: command.groupID, inviteeList: invitees, ...common }),
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
    const now = this.#clock.now();
    const record = this.#record({
      inviteID,
      inviter: me,
      groupID: command.groupID,
      invitees,
      data: data.value,
      timeout: timeout.value,
      onlineUserOnly: command.onlineUserOnly,
      createdAt: now,
    });
    this.#commit({
      kind: 'invite',
      envelope: envelopeOf(record, ActionType.INVITE, invitees, record.data),
      at: now,
      invitation: record,
    });
    return { ok: true, inviteID };
  }

  async #handle(chat: TencentChat, command: Extract<Command, { op: 'cancel' | 'accept' | 'reject' }>): Reply {
    const me = this.#o.userID;
    const { op, inviteID } = command;
    const before = this.#precheck(op, inviteID, me);
    if (before !== undefined) return before;
    const data = checkData(command.data);
    if (!data.ok) return refuseWith(data.error);
    try {
      settled(await this.#bounded(chat[op]({ inviteID, data: data.value }), op));
    } catch (error) {
      return refuseWith(mapTencentError(error, op));
    }
    // The SDK sent it; whether it counts here depends on what arrived meanwhile.
    const applied =
      op === 'cancel'
        ? this.#settle('cancel', inviteID, undefined, data.value)
        : this.#answer(op, inviteID, me, data.value, this.#deviceID);
    if (!applied) {
      return refuse(
        ErrorCode.INVITATION_INVALID,
        `invitation ${inviteID} ended here while the ${op} was on its way (Tencent does not arbitrate: the others may still receive the ${op})`,
      );
    }
    return { ok: true, inviteID };
  }

  async #modify(chat: TencentChat, command: Extract<Command, { op: 'modify' }>): Reply {
    const me = this.#o.userID;
    const before = this.#precheck('modify', command.inviteID, me);
    if (before !== undefined) return before;
    const data = checkData(command.data);
    if (!data.ok) return refuseWith(data.error);
    try {
      settled(
        await this.#bounded(
          chat.modifyInvitation({ inviteID: command.inviteID, data: data.value }),
          'modifyInvitation',
        ),
      );
    } catch (error) {
      return refuseWith(mapTencentError(error, 'modifyInvitation'));
    }
    if (!this.#modified(command.inviteID, data.value)) {
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

  /** The arbiter's rules, checked against the local view before anything is sent. */
  #precheck(
    op: 'cancel' | 'accept' | 'reject' | 'modify',
    inviteID: string,
    me: string,
  ): CommandReply | undefined {
    const record = this.#records.get(inviteID);
    if (record === undefined) {
      return refuse(ErrorCode.INVITATION_INVALID, `invitation ${inviteID} does not exist or has ended`);
    }
    if (op === 'cancel' || op === 'modify') {
      if (record.inviter !== me) {
        return refuse(ErrorCode.NO_PERMISSION, `only the inviter can ${op} invitation ${inviteID}`);
      }
      return undefined;
    }
    const mine = record.invitees.find((i) => i.userID === me);
    if (mine === undefined) {
      return refuse(ErrorCode.NO_PERMISSION, `${me} is not an invitee of invitation ${inviteID}`);
    }
    if (mine.state !== 'pending') {
      return refuse(
        ErrorCode.INVITATION_INVALID,
        `invitation ${inviteID} was already ${mine.state} by ${me}`,
      );
    }
    return undefined;
  }

  /** A ringing one-to-one invitation from `inviter` to `invitee` in the local view. */
  #ringing(inviter: string, invitee: string): InvitationRecord | undefined {
    for (const record of this.#records.values()) {
      if (record.groupID !== '' || record.timeout <= 0 || record.inviter !== inviter) continue;
      if (record.invitees.some((i) => i.userID === invitee && i.state === 'pending')) return record;
    }
    return undefined;
  }

  // -------------------------------------------------------------------- events

  #onInvitation(d: Readonly<Record<string, unknown>> | undefined): void {
    const inviteID = str(d?.inviteID);
    const inviter = str(d?.inviter);
    const invitees = ids(d?.inviteeList);
    if (d === undefined || inviteID === undefined || inviter === undefined || !invitees?.length) return;
    // A repeat (history replay after login), or an invitation that already ended here.
    if (this.#records.has(inviteID) || this.#ended.has(inviteID)) return;
    const given = checkTimeout(d.timeout);
    if (!given.ok) this.#unknownTimeout.add(inviteID);
    const now = this.#clock.now();
    const record = this.#record({
      inviteID,
      inviter,
      groupID: text(d.groupID),
      invitees,
      data: text(d.data),
      timeout: given.ok ? given.value : 0,
      onlineUserOnly: false,
      createdAt: now,
    });
    this.#commit({
      kind: 'invite',
      envelope: envelopeOf(record, ActionType.INVITE, invitees, record.data),
      at: now,
      invitation: record,
    });
  }

  /**
   * The signaling message itself (MESSAGE_RECEIVED, right after the signaling event) carries the
   * timeout and the send time: refine a record whose timeout the event did not give.
   */
  #onMessages(event: unknown): void {
    const chat = this.#chat;
    if (chat === undefined || this.#unknownTimeout.size === 0) return;
    const list = typeof event === 'object' && event !== null ? (event as { data?: unknown }).data : undefined;
    if (!Array.isArray(list)) return;
    for (const message of list) {
      let info: ReturnType<TencentChat['getSignalingInfo']>;
      try {
        info = chat.getSignalingInfo(message);
      } catch {
        continue;
      }
      if (info === null || typeof info !== 'object' || Number(info.actionType) !== ActionType.INVITE)
        continue;
      const inviteID = info.inviteID;
      if (!this.#unknownTimeout.has(inviteID)) continue;
      this.#unknownTimeout.delete(inviteID);
      const record = this.#records.get(inviteID);
      const timeout = checkTimeout(info.timeout);
      if (record === undefined || !timeout.ok || timeout.value === 0) continue;
      const now = this.#clock.now();
      const sentAt = (message as { time?: unknown }).time;
      const span = timeout.value * 1000;
      // Like the SDK's own timer: the time already spent since the server took the message.
      const elapsed =
        typeof sentAt === 'number' && Number.isFinite(sentAt)
          ? Math.min(span, Math.max(0, now - sentAt * 1000))
          : 0;
      const createdAt = Math.min(record.createdAt, now - elapsed);
      const deadline = createdAt + span;
      const refined: InvitationRecord = {
        ...record,
        timeout: timeout.value,
        createdAt,
        invitees: record.invitees.map((i) =>
          i.state === 'pending' && i.deadline === 0 ? { ...i, deadline } : i,
        ),
      };
      this.#commit({
        kind: 'invite',
        envelope: envelopeOf(
          refined,
          ActionType.INVITE,
          refined.invitees.map((i) => i.userID),
          refined.data,
        ),
        at: now,
        invitation: refined,
      });
    }
  }

  #onAnswer(kind: 'accept' | 'reject', d: Readonly<Record<string, unknown>> | undefined): void {
    const inviteID = str(d?.inviteID);
    const invitee = str(d?.invitee);
    if (inviteID === undefined || invitee === undefined) return;
    // Tencent does not say which device answered: another device of ours shows "answered elsewhere".
    this.#answer(kind, inviteID, invitee, text(d?.data), undefined);
  }

  #onCancelled(d: Readonly<Record<string, unknown>> | undefined): void {
    const inviteID = str(d?.inviteID);
    if (inviteID === undefined) return;
    const record = this.#records.get(inviteID);
    const inviter = str(d?.inviter);
    if (record === undefined || (inviter !== undefined && inviter !== record.inviter)) return;
    this.#settle('cancel', inviteID, undefined, text(d?.data));
  }

  #onTimeout(d: Readonly<Record<string, unknown>> | undefined): void {
    const inviteID = str(d?.inviteID);
    if (inviteID === undefined) return;
    const who = ids(d?.inviteeList);
    this.#settle('timeout', inviteID, who?.length ? who : undefined, text(d?.data));
  }

  #onModified(d: Readonly<Record<string, unknown>> | undefined): void {
    const inviteID = str(d?.inviteID);
    if (inviteID === undefined) return;
    this.#modified(inviteID, text(d?.data));
  }

  // --------------------------------------------------------------- local view

  /** Accept or reject by `invitee`, only while that invitee is pending. */
  #answer(
    kind: 'accept' | 'reject',
    inviteID: string,
    invitee: string,
    data: string,
    device: string | undefined,
  ): boolean {
    const record = this.#records.get(inviteID);
    const entry = record?.invitees.find((i) => i.userID === invitee);
    if (record === undefined || entry === undefined || entry.state !== 'pending') return false;
    const event: SignalingEvent = {
      kind,
      envelope: envelopeOf(
        record,
        kind === 'accept' ? ActionType.ACCEPT : ActionType.REJECT,
        [invitee],
        data,
      ),
      at: this.#clock.now(),
    };
    return this.#commit(device === undefined ? event : { ...event, device });
  }

  /** Cancel or time out the listed invitees (all when undefined) that are still pending. */
  #settle(
    kind: 'cancel' | 'timeout',
    inviteID: string,
    who: readonly string[] | undefined,
    data: string,
  ): boolean {
    const record = this.#records.get(inviteID);
    if (record === undefined) return false;
    const pending = record.invitees
      .filter((i) => i.state === 'pending' && (who === undefined || who.includes(i.userID)))
      .map((i) => i.userID);
    if (pending.length === 0) return false;
    return this.#commit({
      kind,
      envelope: envelopeOf(record, kind === 'cancel' ? ActionType.CANCEL : ActionType.TIMEOUT, pending, data),
      at: this.#clock.now(),
    });
  }

  #modified(inviteID: string, data: string): boolean {
    const record = this.#records.get(inviteID);
    if (record === undefined) return false;
    return this.#commit({
      kind: 'modify',
      envelope: envelopeOf(
        record,
        ActionType.INVITE,
        record.invitees.map((i) => i.userID),
        data,
      ),
      at: this.#clock.now(),
    });
  }

  /** Applies an event that passed the guards to the local view and forwards it. */
  #commit(event: SignalingEvent): boolean {
    const id = event.envelope.inviteID;
    const before = this.#records.get(id);
    const after = applyEvent(before, event);
    // Unknown invitation, or a transition that changed nothing: never forwarded.
    if (after === undefined || after === before) return false;
    if (isActive(after)) {
      this.#records.set(id, after);
      this.#arm(after);
    } else {
      this.#records.delete(id);
      this.#unknownTimeout.delete(id);
      this.#disarm(id);
      this.#ended.add(id);
      if (this.#ended.size > this.#remembered) {
        const oldest = this.#ended.values().next().value;
        if (oldest !== undefined) this.#ended.delete(oldest);
      }
    }
    if (this.#announced && !this.#closed) this.#listener?.onEvent(event);
    return true;
  }

  /** One timer per invitation, at its earliest pending deadline plus the grace period. */
  #arm(record: InvitationRecord): void {
    this.#disarm(record.inviteID);
    if (this.#closed) return;
    let next = Number.POSITIVE_INFINITY;
    for (const i of record.invitees)
      if (i.state === 'pending' && i.deadline > 0) next = Math.min(next, i.deadline);
    if (next === Number.POSITIVE_INFINITY) return;
    const id = record.inviteID;
    const handle = this.#clock.setTimer(next + this.#grace, () => {
      this.#timers.delete(id);
      this.#expire(id);
    });
    this.#timers.set(id, handle);
  }

  #disarm(inviteID: string): void {
    const handle = this.#timers.get(inviteID);
    if (handle === undefined) return;
    this.#clock.clearTimer(handle);
    this.#timers.delete(inviteID);
  }

  /** Times out, locally, the invitees whose deadline plus grace has passed. */
  #expire(inviteID: string): void {
    const record = this.#records.get(inviteID);
    if (record === undefined) return;
    const limit = this.#clock.now() - this.#grace;
    const due = record.invitees
      .filter((i) => i.state === 'pending' && i.deadline > 0 && i.deadline <= limit)
      .map((i) => i.userID);
    if (due.length === 0 || !this.#settle('timeout', inviteID, due, record.data)) this.#arm(record);
  }

  #record(input: {
    inviteID: string;
    inviter: string;
    groupID: string;
    invitees: readonly string[];
    data: string;
    timeout: number;
    onlineUserOnly: boolean;
    createdAt: number;
  }): InvitationRecord {
    const me = this.#o.userID;
    const deadline = input.timeout > 0 ? input.createdAt + input.timeout * 1000 : 0;
    return {
      inviteID: input.inviteID,
      inviter: input.inviter,
      groupID: input.groupID,
      data: input.data,
      timeout: input.timeout,
      onlineUserOnly: input.onlineUserOnly,
      createdAt: input.createdAt,
      serial: ++this.#serial,
      invitees: input.invitees.map((userID) => ({
        userID,
        state: 'pending',
        deadline,
        // Tencent has no delivery receipts: only our own receipt is known.
        delivered: userID === me && input.inviter !== me,
      })),
      answers: 0,
    };
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
