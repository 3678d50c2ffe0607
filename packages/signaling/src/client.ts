import type { CallInterop } from './call/transition.js';
import { type Clock, systemClock } from './clock.js';
import type { ActionType, Envelope } from './envelope.js';
import { envelopeOf } from './envelope.js';
import * as ErrorCode from './errorCodes.js';
import { SignalingError, type SignalingErrorInfo } from './errors.js';
import { memo } from './memo.js';
import { applyQueueFrame } from './queue.js';
import { canAnswer } from './rules/guards.js';
import { commandError } from './rules/params.js';
import { applyEvent, isActive } from './rules/reduce.js';
import type { Command, InvitationRecord, SignalingEvent } from './rules/types.js';
import type { ConnectionState, InvitationSnapshot, Session, Transport } from './transport.js';

interface InvitationEventBase {
  readonly inviteID: string;
  /** The record after this event (it may have ended). */
  readonly invitation: InvitationRecord;
  readonly envelope: Envelope;
}

export interface NewInvitationEvent extends InvitationEventBase {
  readonly inviter: string;
  readonly groupID: string;
  readonly inviteeList: readonly string[];
  readonly data: string;
  readonly timeout: number;
  /** Server time (ms) when this user's invitation times out; 0 = never. */
  readonly deadline: number;
  /** True when this user is a pending invitee (group members also hear about others' invitations). */
  readonly isInvitee: boolean;
}

export interface AnswerEvent extends InvitationEventBase {
  readonly invitee: string;
  readonly data: string;
  /** The device that answered; another device of the same user shows "answered elsewhere". */
  readonly device: string | undefined;
}

export interface CancelledEvent extends InvitationEventBase {
  readonly inviter: string;
  readonly data: string;
  readonly inviteeList: readonly string[];
}

export interface TimeoutEvent extends InvitationEventBase {
  readonly inviteeList: readonly string[];
}

export interface ModifiedEvent extends InvitationEventBase {
  readonly data: string;
  /** Invitees added by `addInvitees` (empty for `modify`). */
  readonly addedInvitees: readonly string[];
}

export interface DeliveredEvent extends InvitationEventBase {
  readonly invitee: string;
}

/**
 * An invitation this client held ended while it was disconnected, and the server can no longer
 * say how (its snapshot lacks it and names no outcome). `invitation` is the last record the
 * client held. Invitations whose outcome the server can tell get their ordinary event instead.
 */
export interface VanishedEvent extends InvitationEventBase {
  readonly reason: 'endedWhileDisconnected';
}

export interface ConnectionChangeEvent {
  readonly state: ConnectionState;
  readonly error?: SignalingErrorInfo;
}

/** Event names follow the seed document; the last three are Beckon's. */
export interface SignalingClientEvents {
  onReceiveNewInvitation: NewInvitationEvent;
  onInviteeAccepted: AnswerEvent;
  onInviteeRejected: AnswerEvent;
  onInvitationCancelled: CancelledEvent;
  onInvitationTimeout: TimeoutEvent;
  onInvitationModified: ModifiedEvent;
  onInvitationDelivered: DeliveredEvent;
  /** An invitation held before a reconnect ended while away, outcome unknown (see {@link VanishedEvent}). */
  onInvitationVanished: VanishedEvent;
  onConnectionChange: ConnectionChangeEvent;
  /** A group's members or their presence changed; refetch what shows them. */
  onGroupChanged: { readonly groupID: string };
  /** A media-room message (WebRTC negotiation) from another user in the same call. */
  onRoomSignal: { readonly roomID: string; readonly from: string; readonly data: string };
  /** Anything in {@link SignalingClient.invitations} changed (after the specific event). */
  onViewChange: { readonly invitations: ReadonlyMap<string, InvitationRecord> };
}

export type SignalingClientEventName = keyof SignalingClientEvents;
type Handler<K extends SignalingClientEventName> = (event: SignalingClientEvents[K]) => void;

export interface InviteOptions {
  /** Seconds before the invitation times out; 0 = never. Default 30. */
  readonly timeout?: number;
  /** Deliver only to invitees online now; nothing is stored or replayed. Default false. */
  readonly onlineUserOnly?: boolean;
}

export interface SignalingClientOptions {
  readonly transport: Transport;
  readonly clock?: Clock;
}

const DEFAULT_TIMEOUT = 30;
/** `ActionType.INVITE`, as a plain number: the whole table would ship to browsers for one value. */
const INVITE: ActionType = 1;

/**
 * The signaling API of the seed (invite, inviteInGroup, cancel, accept, reject) plus modify and
 * addInvitees, over any {@link Transport}. It holds a live view of every active invitation the
 * user can see and reports changes with the seed's event names.
 *
 * @example
 * const client = new SignalingClient({ transport });
 * client.on('onReceiveNewInvitation', (e) => e.isInvitee && ring(e.inviteID));
 * await client.connect();
 * const inviteID = await client.invite('bob', createCallData({ callType: CallType.VIDEO, roomID }));
 */
export class SignalingClient {
  readonly #transport: Transport;
  readonly #clock: Clock;
  readonly #handlers = new Map<SignalingClientEventName, Set<(event: never) => void>>();
  #view = new Map<string, InvitationRecord>();
  /** Hand markers the queue stream put in the view (issue 19). */
  #streamed = new Set<string>();
  #session: Session | undefined;
  #offset = 0;
  #state: ConnectionState = 'idle';
  /** What `connect()` returned, and how to settle it while the first session is awaited. */
  #connected: Promise<Session> | undefined;
  #firstSession: { resolve(session: Session): void; reject(error: SignalingError): void } | undefined;

  constructor(options: SignalingClientOptions) {
    this.#transport = options.transport;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Opens the transport. The promise resolves with the session once the first one is
   * established, and rejects with a {@link SignalingError} if the transport gives up first
   * (refused credentials: 9003) or the client is closed before (9009). Calling it again returns
   * the same promise. Ignoring it is safe: a rejection nobody awaits is not reported as unhandled,
   * and `onConnectionChange` still tells the state.
   *
   * @example
   * const session = await client.connect();
   * console.log('signed in as', session.userID);
   */
  connect(): Promise<Session> {
    if (this.#connected !== undefined) return this.#connected;
    const closed = this.#state === 'closed';
    const connected = closed
      ? Promise.reject(new SignalingError(ErrorCode.CLOSED, 'the client is closed'))
      : new Promise<Session>((resolve, reject) => {
          this.#firstSession = { resolve, reject };
        });
    // Marks the rejection as handled for callers who do not await; those who do still get it.
    connected.catch(() => {});
    if (closed) return connected;
    this.#connected = connected;
    this.#setState('connecting');
    this.#transport.connect({
      onStateChange: (state, error) => this.#setState(state, error),
      onSession: (session) => {
        this.#session = session;
        this.#offset = session.serverTime - this.#clock.now();
      },
      onSnapshot: (snapshot) => this.#onSnapshot(snapshot),
      onEvent: (event) => this.#onEvent(event),
      onGroupChange: (groupID) => this.#emit('onGroupChanged', { groupID }),
      onQueue: (frame) => {
        applyQueueFrame(this.#view, this.#streamed, frame);
        this.#emit('onViewChange', { invitations: this.#view });
      },
      onRoomSignal: (roomID, from, data) => this.#emit('onRoomSignal', { roomID, from, data }),
    });
    return this.#connected;
  }

  close(): void {
    if (this.#state === 'closed') return;
    this.#transport.close();
    this.#setState('closed');
  }

  get connectionState(): ConnectionState {
    return this.#state;
  }

  get session(): Session | undefined {
    return this.#session;
  }

  get userID(): string | undefined {
    return this.#session?.userID;
  }

  /** The injected clock (local time); timers that belong to this client run on it. */
  get clock(): Clock {
    return this.#clock;
  }

  /** Server clock minus local clock, in ms, measured when the session started. */
  get clockOffset(): number {
    return this.#offset;
  }

  /** A room id for a new call as the transport prefers them, or undefined when it has no preference. */
  newRoomID(): string | undefined {
    return this.#transport.newRoomID?.();
  }

  /** The transport's extension of the call machine (the Tencent transport's TUICallKit interop), if any. */
  get callInterop(): CallInterop | undefined {
    return this.#transport.callInterop;
  }

  /** The arbiter's current time as best known here; use it for countdowns. */
  serverNow(): number {
    return this.#clock.now() + this.#offset;
  }

  /** Active invitations this user can see, keyed by inviteID. */
  get invitations(): ReadonlyMap<string, InvitationRecord> {
    return this.#view;
  }

  getInvitation(inviteID: string): InvitationRecord | undefined {
    return this.#view.get(inviteID);
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends SignalingClientEventName>(name: K, handler: Handler<K>): () => void {
    const set = memo(this.#handlers, name, () => new Set());
    set.add(handler as (event: never) => void);
    return () => set.delete(handler as (event: never) => void);
  }

  /** One-to-one invitation. Resolves with the inviteID. */
  invite(invitee: string, data = '', options: InviteOptions = {}): Promise<string> {
    return this.#invite('', [invitee], data, options);
  }

  /** Invitation inside a group: every online member hears about it and about every answer. */
  inviteInGroup(groupID: string, inviteeList: readonly string[], data = '', options: InviteOptions = {}) {
    if (groupID === '') {
      return Promise.reject(
        new SignalingError(ErrorCode.INVALID_PARAMETERS, 'inviteInGroup needs a groupID'),
      );
    }
    return this.#invite(groupID, inviteeList, data, options);
  }

  cancel(inviteID: string, data = ''): Promise<void> {
    return this.#send({ op: 'cancel', inviteID, data });
  }

  accept(inviteID: string, data = ''): Promise<void> {
    return this.#send({ op: 'accept', inviteID, data });
  }

  reject(inviteID: string, data = ''): Promise<void> {
    return this.#send({ op: 'reject', inviteID, data });
  }

  /** Replaces the invitation's data; every receiver gets `onInvitationModified`. */
  modify(inviteID: string, data: string): Promise<void> {
    return this.#send({ op: 'modify', inviteID, data });
  }

  /**
   * Sends a media-room message (a WebRTC offer, answer or candidate) to `to`. The server relays
   * it only between users in the same call; the peer hears it as `onRoomSignal`.
   */
  sendRoomSignal(roomID: string, to: string, data: string): void {
    if (this.#transport.sendRoomSignal === undefined) {
      throw new SignalingError(ErrorCode.INVALID_PARAMETERS, 'the transport has no media-room relay');
    }
    this.#transport.sendRoomSignal(roomID, to, data);
  }

  /** The transport this client talks through (`@beckon/signaling/classroom` asks it for group operations). */
  get transport(): Transport {
    return this.#transport;
  }

  /** Adds invitees to an active invitation; they get it with their own full timeout. */
  addInvitees(inviteID: string, inviteeList: readonly string[]): Promise<void> {
    return this.#send({ op: 'addInvitees', inviteID, inviteeList });
  }

  async #invite(groupID: string, inviteeList: readonly string[], data: string, options: InviteOptions) {
    const command: Command = {
      op: 'invite',
      groupID,
      inviteeList,
      data,
      timeout: options.timeout ?? DEFAULT_TIMEOUT,
      onlineUserOnly: options.onlineUserOnly ?? false,
    };
    return this.#request(command);
  }

  async #send(command: Command): Promise<void> {
    await this.#request(command);
  }

  async #request(command: Command): Promise<string> {
    if (this.#state === 'closed') throw new SignalingError(ErrorCode.CLOSED, 'the client is closed');
    // The server runs the same check: a bad call fails here, without a round trip.
    const error = commandError(command);
    if (error) throw SignalingError.from(error);
    const reply = await this.#transport.request(command);
    if (!reply.ok) throw SignalingError.from(reply.error);
    return reply.inviteID;
  }

  #emit<K extends SignalingClientEventName>(name: K, event: SignalingClientEvents[K]): void {
    const set = this.#handlers.get(name);
    if (set === undefined) return;
    for (const handler of [...set]) (handler as Handler<K>)(event);
  }

  #setState(state: ConnectionState, error?: SignalingErrorInfo): void {
    if (this.#state === state || this.#state === 'closed') return;
    this.#state = state;
    const first = this.#firstSession;
    if (first !== undefined && state === 'connected' && this.#session !== undefined) {
      this.#firstSession = undefined;
      first.resolve(this.#session);
    } else if (first !== undefined && state === 'closed') {
      this.#firstSession = undefined;
      first.reject(
        error === undefined
          ? new SignalingError(ErrorCode.CLOSED, 'the client is closed')
          : SignalingError.from(error),
      );
    }
    this.#emit('onConnectionChange', error === undefined ? { state } : { state, error });
  }

  #onSnapshot(snapshot: InvitationSnapshot): void {
    // What we held and the arbiter no longer has ended while we were away: the events that
    // ended it, where the arbiter can still tell; otherwise it vanished. An addInvitees among
    // them brings a held record up to date before its end; the server cannot always tell which
    // invitations we held, so those we did not hold are left alone (their other events would
    // change nothing anyway).
    for (const event of snapshot.missed ?? [])
      if (this.#view.has(event.envelope.inviteID)) this.#onEvent(event);
    const before = this.#view;
    this.#view = new Map(snapshot.invitations.map((r) => [r.inviteID, r]));
    const me = this.userID;
    // Hands the queue stream told did not end: its full frame follows the snapshot.
    for (const [inviteID, held] of before)
      if (!this.#view.has(inviteID) && !this.#streamed.delete(inviteID))
        this.#emit('onInvitationVanished', {
          inviteID,
          invitation: held,
          envelope: envelopeOf(held, INVITE, [], held.data),
          reason: 'endedWhileDisconnected',
        });
    for (const record of snapshot.invitations) {
      // Offline delivery: an invitation that arrived while we were away rings now, with the time left.
      if (!before.has(record.inviteID) && record.inviter !== me)
        this.#emitNew(
          record,
          record.invitees.map((i) => i.userID),
        );
    }
    this.#emit('onViewChange', { invitations: this.#view });
  }

  #emitNew(record: InvitationRecord, inviteeList: readonly string[], envelope?: Envelope): void {
    const mine = record.invitees.find((i) => i.userID === this.userID);
    this.#emit('onReceiveNewInvitation', {
      inviteID: record.inviteID,
      invitation: record,
      envelope: envelope ?? envelopeOf(record, INVITE, inviteeList, record.data),
      inviter: record.inviter,
      groupID: record.groupID,
      inviteeList,
      data: record.data,
      timeout: record.timeout,
      deadline: mine?.deadline ?? 0,
      isInvitee: canAnswer(record, this.userID),
    });
  }

  #onEvent(event: SignalingEvent): void {
    const { envelope } = event;
    const before = this.#view.get(envelope.inviteID);
    const record = applyEvent(before, event);
    // A delta about an invitation we never saw (an onlineUserOnly one from before we connected),
    // or one that changes nothing (a replayed event we had seen).
    if (record === undefined || record === before) return;
    if (isActive(record)) this.#view.set(record.inviteID, record);
    else this.#view.delete(record.inviteID);

    const base = { inviteID: record.inviteID, invitation: record, envelope };
    const me = this.userID;
    switch (event.kind) {
      case 'invite':
        if (before === undefined && record.inviter !== me)
          this.#emitNew(record, envelope.inviteeList, envelope);
        break;
      case 'addInvitees':
        if (me !== undefined && envelope.inviteeList.includes(me))
          this.#emitNew(record, envelope.inviteeList, envelope);
        else
          this.#emit('onInvitationModified', {
            ...base,
            data: record.data,
            addedInvitees: envelope.inviteeList,
          });
        break;
      case 'accept':
      case 'reject': {
        const answer = {
          ...base,
          invitee: envelope.inviteeList[0] ?? '',
          data: envelope.data,
          device: event.device,
        };
        this.#emit(event.kind === 'accept' ? 'onInviteeAccepted' : 'onInviteeRejected', answer);
        break;
      }
      case 'cancel':
        this.#emit('onInvitationCancelled', {
          ...base,
          inviter: record.inviter,
          data: envelope.data,
          inviteeList: envelope.inviteeList,
        });
        break;
      case 'timeout':
        this.#emit('onInvitationTimeout', { ...base, inviteeList: envelope.inviteeList });
        break;
      case 'modify':
        this.#emit('onInvitationModified', { ...base, data: envelope.data, addedInvitees: [] });
        break;
      case 'delivered':
        this.#emit('onInvitationDelivered', { ...base, invitee: envelope.inviteeList[0] ?? '' });
        break;
    }
    this.#emit('onViewChange', { invitations: this.#view });
  }
}
