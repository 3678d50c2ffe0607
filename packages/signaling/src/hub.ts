import { type Clock, systemClock } from './clock.js';
import { ErrorCode, errorInfo, SignalingError } from './errors.js';
import { MAX_INVITEES } from './limits.js';
import { transition } from './rules/transition.js';
import {
  type Command,
  type CommandReply,
  emptyState,
  type InvitationRecord,
  type SignalingState,
  type TransitionInput,
} from './rules/types.js';
import { type DeliverEffect, EffectRunner } from './runner.js';
import type { Snapshot, Transport, TransportListener } from './transport.js';

export interface InMemoryHubOptions {
  readonly clock?: Clock;
  /** Ids for new invitations; defaults to `crypto.randomUUID()`. */
  readonly generateId?: () => string;
  readonly maxInvitees?: number;
  /** Called with every invitation that ended (call history, metrics). */
  readonly onEnded?: (invitation: InvitationRecord) => void;
}

interface Device {
  readonly userID: string;
  readonly deviceID: string;
  listener: TransportListener | undefined;
}

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
  #state: SignalingState = emptyState;
  readonly #clock: Clock;
  readonly #generateId: () => string;
  readonly #maxInvitees: number;
  readonly #groups = new Map<string, Set<string>>();
  readonly #devices = new Map<string, Set<Device>>();
  readonly #runner: EffectRunner;
  readonly #queue: Array<{ input: TransitionInput; done?: (reply: CommandReply) => void }> = [];
  #draining = false;

  constructor(options: InMemoryHubOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#generateId = options.generateId ?? (() => globalThis.crypto.randomUUID());
    this.#maxInvitees = options.maxInvitees ?? MAX_INVITEES;
    this.#runner = new EffectRunner({
      clock: this.#clock,
      deliver: (effect) => this.#deliver(effect),
      fire: (inviteID, now) => this.#submit({ type: 'timeout', inviteID, now }),
      ...(options.onEnded ? { ended: options.onEnded } : {}),
    });
  }

  /** The arbiter's state (active invitations only). */
  get state(): SignalingState {
    return this.#state;
  }

  get clock(): Clock {
    return this.#clock;
  }

  /** Creates or replaces a group with these members. */
  setGroup(groupID: string, members: Iterable<string>): void {
    this.#groups.set(groupID, new Set(members));
  }

  groupMembers(groupID: string): ReadonlySet<string> | undefined {
    return this.#groups.get(groupID);
  }

  /** Active invitations `userID` can see: as inviter, invitee or group member. */
  visibleTo(userID: string): InvitationRecord[] {
    const out: InvitationRecord[] = [];
    for (const record of this.#state.invitations.values()) {
      const member = record.groupID !== '' && this.#groups.get(record.groupID)?.has(userID) === true;
      if (member || record.inviter === userID || record.invitees.some((i) => i.userID === userID))
        out.push(record);
    }
    return out;
  }

  /** A transport for one device of `userID`. Each call is a new device. */
  connect(userID: string, deviceID = `${userID}#${++sessionCounter}`): HubTransport {
    return new HubTransport(this, { userID, deviceID, listener: undefined });
  }

  /** Runs a command as `actor` on `device`, like a request arriving at a server. */
  dispatch(actor: string, device: string, command: Command): Promise<CommandReply> {
    const groupID =
      command.op === 'invite' ? command.groupID : this.#state.invitations.get(command.inviteID)?.groupID;
    const members = groupID ? this.#groups.get(groupID) : undefined;
    return new Promise((resolve) => {
      this.#submit(
        {
          type: 'command',
          actor,
          device,
          now: this.#clock.now(),
          command,
          ...(command.op === 'invite' ? { newInviteID: this.#generateId() } : {}),
          ...(members ? { group: { members } } : {}),
          maxInvitees: this.#maxInvitees,
        },
        resolve,
      );
    });
  }

  /** Stops every timer; attached clients see the connection close. */
  close(): void {
    this.#runner.dispose();
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
    listener.onStateChange('connected');
    listener.onSession({
      userID: device.userID,
      deviceID: device.deviceID,
      sessionID: device.deviceID,
      serverTime: this.#clock.now(),
    });
    // onlineUserOnly invitations are never replayed to a device that was not there.
    const snapshot: Snapshot = {
      at: this.#clock.now(),
      invitations: this.visibleTo(device.userID).filter((r) => !r.onlineUserOnly),
    };
    listener.onSnapshot(snapshot);
    for (const record of snapshot.invitations) this.#markDelivered(record, device.userID);
  }

  /** @internal */
  detach(device: Device): void {
    device.listener = undefined;
    const set = this.#devices.get(device.userID);
    set?.delete(device);
    if (set?.size === 0) this.#devices.delete(device.userID);
  }

  #submit(input: TransitionInput, done?: (reply: CommandReply) => void): void {
    this.#queue.push(done ? { input, done } : { input });
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let job = this.#queue.shift(); job; job = this.#queue.shift()) {
        const result = transition(this.#state, job.input);
        this.#state = result.state;
        const reply = this.#runner.run(result.effects);
        if (job.done) job.done(reply ?? { ok: false, error: errorInfo(ErrorCode.INTERNAL, 'no reply') });
      }
    } finally {
      this.#draining = false;
    }
  }

  #deliver(effect: DeliverEffect): void {
    const users = new Set(effect.to.users);
    if (effect.to.group !== undefined) for (const m of this.#groups.get(effect.to.group) ?? []) users.add(m);
    const { event } = effect;
    for (const userID of users) {
      for (const device of this.#devices.get(userID) ?? []) device.listener?.onEvent(event);
    }
    if (event.invitation && (event.kind === 'invite' || event.kind === 'addInvitees')) {
      for (const userID of event.envelope.inviteeList) this.#markDelivered(event.invitation, userID);
    }
  }

  #markDelivered(record: InvitationRecord, userID: string): void {
    const invitee = record.invitees.find((i) => i.userID === userID);
    if (invitee === undefined || invitee.delivered || invitee.state !== 'pending') return;
    if (!this.#devices.has(userID)) return;
    this.#submit({ type: 'delivered', inviteID: record.inviteID, invitee: userID, now: this.#clock.now() });
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

  /** Simulates losing the network: nothing is received until {@link HubTransport.restore}. */
  drop(): void {
    if (this.#device.listener === undefined) return;
    this.#hub.detach(this.#device);
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
