import { type Clock, systemClock } from './clock.js';
import { ErrorCode, SignalingError } from './errors.js';
import { callEndNoticeSecondsOption } from './limits.js';
import { Arbiter } from './rules/arbiter.js';
import { endingEvents } from './rules/events.js';
import { receiptDue } from './rules/guards.js';
import type {
  Command,
  CommandReply,
  InvitationRecord,
  SignalingEvent,
  SignalingState,
} from './rules/types.js';
import type { InvitationSnapshot, Transport, TransportListener } from './transport.js';

export interface InMemoryHubOptions {
  readonly clock?: Clock;
  /** Ids for new invitations; defaults to `crypto.randomUUID()`. */
  readonly generateId?: () => string;
  readonly maxInvitees?: number;
  /**
   * Seconds an unacknowledged call-end notice (a `hangup` invitation with timeout 0) waits before
   * it times out. Default `CALL_END_NOTICE_SECONDS` (60); 0 = never. Else a TypeError.
   */
  readonly callEndNoticeSeconds?: number | undefined;
  /** Called with every invitation that ended (call history, metrics). */
  readonly onEnded?: (invitation: InvitationRecord) => void;
}

interface Device {
  readonly userID: string;
  readonly deviceID: string;
  listener: TransportListener | undefined;
  /** Invitations this device's client holds: it was sent them (snapshot, invite, addInvitees). */
  readonly holds: Set<string>;
  /** While dropped: held invitations that ended meanwhile (their ending events come with the snapshot). */
  away?: InvitationRecord[];
  /**
   * While dropped: the last addInvitees event of each held invitation, which the client missed.
   * It carries the whole record, so the ending events then apply to every invitee it has.
   */
  added?: Map<string, SignalingEvent>;
}

/** Ended invitations a dropped device is told about when it comes back, at most (as the server). */
const MAX_ENDED_AWAY = 64;

let sessionCounter = 0;

/**
 * The invitation rules running in-process, with several users and devices attached: the arbiter
 * for tests, Storybook stories and single-page demos. Same rules, same events as the server.
 *
 * @example
 * const hub = new InMemoryHub();
 * const alice = new SignalingClient({ transport: hub.connect('alice') });
 * const bob = new SignalingClient({ transport: hub.connect('bob') });
 */
export class InMemoryHub {
  readonly #clock: Clock;
  readonly #groups = new Map<string, Set<string>>();
  readonly #devices = new Map<string, Set<Device>>();
  readonly #arbiter: Arbiter;
  /** Dropped devices that will come back. */
  readonly #away = new Set<Device>();

  constructor(options: InMemoryHubOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#arbiter = new Arbiter({
      clock: this.#clock,
      generateId: options.generateId ?? (() => globalThis.crypto.randomUUID()),
      ...(options.maxInvitees === undefined ? {} : { maxInvitees: options.maxInvitees }),
      callEndNoticeSeconds: callEndNoticeSecondsOption(options.callEndNoticeSeconds, 'InMemoryHub'),
      members: (groupID) => this.#groups.get(groupID),
      deliver: (recipients, event) => this.#deliver(recipients, event),
      ended: (invitation) => {
        const id = invitation.inviteID;
        for (const set of this.#devices.values()) for (const device of set) device.holds.delete(id);
        for (const device of this.#away) {
          if (!device.holds.delete(id)) continue;
          device.away?.push(invitation);
          const dropped = (device.away?.length ?? 0) > MAX_ENDED_AWAY ? device.away?.shift() : undefined;
          if (dropped !== undefined) device.added?.delete(dropped.inviteID);
        }
        options.onEnded?.(invitation);
      },
    });
  }

  /** The arbiter's state (active invitations only). */
  get state(): SignalingState {
    return this.#arbiter.state;
  }

  get clock(): Clock {
    return this.#clock;
  }

  /** Creates or replaces a group with these members. */
  setGroup(groupID: string, members: Iterable<string>): void {
    const before = this.#groups.get(groupID) ?? new Set<string>();
    const after = new Set(members);
    this.#groups.set(groupID, after);
    for (const userID of new Set([...before, ...after])) {
      for (const device of this.#devices.get(userID) ?? []) device.listener?.onGroupChange?.(groupID);
    }
  }

  groupMembers(groupID: string): ReadonlySet<string> | undefined {
    return this.#groups.get(groupID);
  }

  /** Active invitations `userID` can see: as inviter, invitee or group member. */
  visibleTo(userID: string): InvitationRecord[] {
    return this.#arbiter.visibleTo(userID, { includeOnlineOnly: true });
  }

  /** A transport for one device of `userID`. Each call is a new device. */
  connect(userID: string, deviceID = `${userID}#${++sessionCounter}`): HubTransport {
    return new HubTransport(this, { userID, deviceID, listener: undefined, holds: new Set() });
  }

  /** Runs a command as `actor` on `device`, like a request arriving at a server. */
  dispatch(actor: string, device: string, command: Command): Promise<CommandReply> {
    return this.#arbiter.dispatch(actor, device, command);
  }

  /** Relays a media-room message to every device of `to` (in-process: no call check). */
  relayRoomSignal(roomID: string, from: string, to: string, data: string): void {
    for (const device of this.#devices.get(to) ?? []) device.listener?.onRoomSignal?.(roomID, from, data);
  }

  /** Stops every timer; attached clients see the connection close. */
  close(): void {
    this.#arbiter.close();
    for (const set of this.#devices.values()) {
      for (const device of set) device.listener?.onStateChange('closed');
    }
    this.#devices.clear();
  }

  /** @internal */
  attach(device: Device, listener: TransportListener): void {
    device.listener = listener;
    let set = this.#devices.get(device.userID);
    if (set === undefined) {
      set = new Set();
      this.#devices.set(device.userID, set);
    }
    set.add(device);
    listener.onSession({
      userID: device.userID,
      deviceID: device.deviceID,
      sessionID: device.deviceID,
      serverTime: this.#clock.now(),
    });
    listener.onStateChange('connected');
    // onlineUserOnly invitations are never replayed to a device that was not there. A held
    // invitation that gained invitees while the device was away first comes as it was then,
    // so its ending events reach the invitees the device never heard of.
    const missed = (device.away ?? []).flatMap((final) => {
      const added = device.added?.get(final.inviteID);
      return added === undefined ? endingEvents(final) : [added, ...endingEvents(final)];
    });
    this.#away.delete(device);
    delete device.away;
    delete device.added;
    const snapshot: InvitationSnapshot = {
      at: this.#clock.now(),
      invitations: this.#arbiter.visibleTo(device.userID),
      missed,
    };
    for (const record of snapshot.invitations) device.holds.add(record.inviteID);
    listener.onSnapshot(snapshot);
    for (const record of snapshot.invitations) this.#arbiter.delivered(record.inviteID, device.userID);
  }

  /** @internal */
  detach(device: Device, away = false): void {
    device.listener = undefined;
    if (away) {
      device.away = [];
      device.added = new Map();
      this.#away.add(device);
    } else {
      this.#away.delete(device);
      device.holds.clear();
    }
    const set = this.#devices.get(device.userID);
    set?.delete(device);
    if (set?.size === 0) this.#devices.delete(device.userID);
  }

  #deliver(recipients: ReadonlySet<string>, event: SignalingEvent): void {
    const received: string[] = [];
    const id = event.envelope.inviteID;
    const whole = event.kind === 'invite' || event.kind === 'addInvitees';
    for (const device of this.#away)
      if (event.kind === 'addInvitees' && recipients.has(device.userID) && device.holds.has(id))
        device.added?.set(id, event);
    for (const userID of recipients) {
      const devices = this.#devices.get(userID);
      for (const device of devices ?? []) {
        device.listener?.onEvent(event);
        if (whole) device.holds.add(id);
      }
      if (devices !== undefined && receiptDue(event, userID)) received.push(userID);
    }
    for (const userID of received) this.#arbiter.delivered(event.envelope.inviteID, userID);
  }
}

/** A {@link Transport} attached to an {@link InMemoryHub}; it can also simulate going offline. */
export class HubTransport implements Transport {
  readonly #hub: InMemoryHub;
  readonly #device: Device;
  #listener: TransportListener | undefined;
  #closed = false;

  constructor(hub: InMemoryHub, device: Device) {
    this.#hub = hub;
    this.#device = device;
  }

  get deviceID(): string {
    return this.#device.deviceID;
  }

  connect(listener: TransportListener): void {
    this.#listener = listener;
    this.#hub.attach(this.#device, listener);
  }

  request(command: Command): Promise<CommandReply> {
    if (this.#closed || this.#device.listener === undefined) {
      return Promise.reject(new SignalingError(ErrorCode.NOT_CONNECTED, 'not connected to the hub'));
    }
    return this.#hub.dispatch(this.#device.userID, this.#device.deviceID, command);
  }

  sendRoomSignal(roomID: string, to: string, data: string): void {
    if (this.#device.listener !== undefined) this.#hub.relayRoomSignal(roomID, this.#device.userID, to, data);
  }

  /** Simulates losing the network: nothing is received until {@link HubTransport.restore}. */
  drop(): void {
    if (this.#device.listener === undefined) return;
    this.#hub.detach(this.#device, true);
    this.#listener?.onStateChange('reconnecting');
  }

  /** Comes back: the hub sends a fresh snapshot, including invitations that arrived meanwhile. */
  restore(): void {
    if (this.#closed || this.#listener === undefined || this.#device.listener !== undefined) return;
    this.#hub.attach(this.#device, this.#listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#hub.detach(this.#device);
    this.#listener?.onStateChange('closed');
  }
}
