import { randomBytes, randomUUID } from 'node:crypto';
import {
  type Clock,
  type Command,
  type CommandReply,
  type InvitationRecord,
  type SignalingEvent,
  systemClock,
} from '@beckon/signaling';
import {
  Arbiter,
  byServerOrder,
  callEndNoticeSecondsOption,
  eventViewFor,
  isLoggedFor,
  memberViewKind,
  type QueuedHand,
  queueEntryOf,
  recordViewFor,
} from '@beckon/signaling/rules';
import { type HistoryLimits, historyLimits, mergeHistory } from '../history.js';
import { GroupCapError } from '../limits.js';
import { callRoomOf, type GroupRoom, type GroupRoomLeave, type SharedRoom } from '../rooms.js';
import { withCatchUps } from './ended.js';
import { MemoryGroupRooms } from './groupRooms.js';
import type {
  Delivery,
  DevicePresence,
  EndedInvitation,
  Group,
  HistoryEntry,
  Store,
  StoreListener,
  StoreSnapshot,
} from './types.js';

export interface MemoryStoreOptions {
  readonly clock?: Clock;
  readonly maxInvitees?: number;
  /**
   * Seconds an unacknowledged call-end notice (a `hangup` invitation with timeout 0) waits before
   * it times out. Default 60; 0 = never (a notice to a peer who never comes back then stays
   * active). Else a TypeError.
   */
  readonly callEndNoticeSeconds?: number | undefined;
  /** Events kept per user for resume; older gaps get a snapshot. Default 512. */
  readonly logLimit?: number;
  /** History entries kept per user. Default 200. */
  readonly historyLimit?: number;
  /** Unanswered incoming calls one peer may hold in a user's history. Default 20. */
  readonly historyPerPeer?: number;
  /** People a group call's history entry lists; later ones are left out. Default 50. */
  readonly historyParticipants?: number;
}

interface LogEntry {
  readonly seq: number;
  readonly event: SignalingEvent;
  /** The invitation's final record, when this event ended it (a snapshot names the outcome). */
  ended?: InvitationRecord;
}

interface UserLog {
  seq: number;
  readonly entries: LogEntry[];
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Characters of a join code: 5 bits each from a 32-letter alphabet (256 % 32 = 0: unbiased). */
export const JOIN_CODE_LENGTH = 12;

/**
 * A 12-character join code (60 bits) without look-alike characters (no I, O, 0, 1): too many
 * to guess, with failed joins throttled per user and per address.
 */
export function joinCode(): string {
  return [...randomBytes(JOIN_CODE_LENGTH)].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

/** The embedded default: everything in this process, nothing on disk. */
export class MemoryStore implements Store {
  readonly epoch = randomUUID();
  readonly #options: MemoryStoreOptions;
  readonly #historyLimits: HistoryLimits;
  readonly #groups = new Map<string, Group & { members: string[] }>();
  readonly #memberSets = new Map<string, Set<string>>();
  readonly #codes = new Map<string, string>();
  readonly #logs = new Map<string, UserLog>();
  readonly #history = new Map<string, HistoryEntry[]>();
  /** Groups each user has created (`createGroup`'s cap). */
  readonly #groupsCreated = new Map<string, number>();
  /** Users with a connection (this process is the whole deployment). */
  readonly #online = new Set<string>();
  /** Active invitations per inviter. */
  readonly #active = new Map<string, number>();
  /** Users an active onlineUserOnly invitation was logged for, by id (see `isLoggedFor`). */
  readonly #holders = new Map<string, Set<string>>();
  /** Open call rooms (the call watch reads them as Redis processes read theirs). */
  readonly #rooms = new Map<string, SharedRoom>();
  readonly #groupRooms = new MemoryGroupRooms();
  /** An accept that ended its invitation: told with the final record, which the rules hand over next. */
  #accepting: SignalingEvent | undefined;
  /** Sockets per `user\ndevice`. */
  readonly #devices = new Map<string, number>();
  /** The log entries the event being delivered made: the one that ends an invitation keeps its record. */
  #delivered: { readonly inviteID: string; readonly entries: LogEntry[] } | undefined;
  /**
   * An event that ended its invitation, waiting for the final record (the rules hand it over just
   * after the delivery): each recipient's view is cut from the record after the event.
   */
  #ending:
    | { readonly recipients: ReadonlySet<string>; event: SignalingEvent; ephemeral: boolean }
    | undefined;
  /** Pending hand markers per group, in creation order (the queue stream reads them). */
  readonly #hands = new Map<string, Map<string, QueuedHand>>();
  #arbiter: Arbiter | undefined;
  #listener: StoreListener | undefined;
  readonly #noticeSeconds: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#options = options;
    this.#historyLimits = historyLimits(options);
    this.#noticeSeconds = callEndNoticeSecondsOption(options.callEndNoticeSeconds, 'MemoryStore');
  }

  async start(listener: StoreListener): Promise<void> {
    this.#listener = listener;
    this.#arbiter = new Arbiter({
      clock: this.#options.clock ?? systemClock,
      generateId: randomUUID,
      ...(this.#options.maxInvitees === undefined ? {} : { maxInvitees: this.#options.maxInvitees }),
      callEndNoticeSeconds: this.#noticeSeconds,
      members: (groupID) => this.#memberSets.get(groupID),
      deliver: (recipients, event, ephemeral) => {
        if (event.kind === 'invite') this.#countActive(event.envelope.inviter, 1);
        listener.committed(event);
        const record = this.#rules().state.invitations.get(event.envelope.inviteID);
        if (event.kind === 'accept') {
          if (record === undefined) this.#accepting = event;
          else listener.accepted(record, event);
        }
        if (record === undefined) this.#ending = { recipients, event, ephemeral };
        else this.#deliverViews(record, recipients, event, ephemeral);
      },
      ended: (invitation) => {
        const ending = this.#ending;
        this.#ending = undefined;
        if (ending?.event.envelope.inviteID === invitation.inviteID)
          this.#deliverViews(invitation, ending.recipients, ending.event, ending.ephemeral);
        // The event that ended it was delivered just before (the rules emit them in this order).
        if (this.#delivered?.inviteID === invitation.inviteID)
          for (const entry of this.#delivered.entries) entry.ended = invitation;
        this.#delivered = undefined;
        if (this.#accepting?.envelope.inviteID === invitation.inviteID)
          listener.accepted(invitation, this.#accepting);
        this.#accepting = undefined;
        this.#holders.delete(invitation.inviteID);
        this.#countActive(invitation.inviter, -1);
        this.#openRoom(invitation);
        listener.ended(invitation);
      },
    });
  }

  #rules(): Arbiter {
    if (this.#arbiter === undefined) throw new Error('MemoryStore.start() was not called');
    return this.#arbiter;
  }

  /**
   * Hands each recipient its view of `event` (`eventViewFor`; `record` is the invitation after
   * it), logged as that view; recipients of one view share one delivery (one serialization).
   */
  #deliverViews(
    record: InvitationRecord,
    recipients: ReadonlySet<string>,
    event: SignalingEvent,
    ephemeral: boolean,
  ): void {
    const byView = new Map<SignalingEvent, Delivery[]>();
    this.#delivered = { inviteID: event.envelope.inviteID, entries: [] };
    for (const userID of recipients) {
      const view = eventViewFor(record, event, userID);
      if (view === undefined) continue;
      let deliveries = byView.get(view);
      if (deliveries === undefined) {
        deliveries = [];
        byView.set(view, deliveries);
      }
      deliveries.push({ userID, seq: this.#logFor(userID, view, ephemeral) });
    }
    for (const [view, deliveries] of byView) this.#listener?.deliver(deliveries, view);
    if (memberViewKind(record) === 'hand') this.#indexHand(record);
  }

  /** Keeps the group's pending hands current; the queue stream hears when they change. */
  #indexHand(record: InvitationRecord): void {
    const { groupID, inviteID } = record;
    const entry = queueEntryOf(record);
    let hands = this.#hands.get(groupID);
    const had = hands?.has(inviteID) === true;
    if (entry !== undefined) {
      if (hands === undefined) {
        hands = new Map();
        this.#hands.set(groupID, hands);
      }
      hands.set(inviteID, entry);
    } else if (had) {
      hands?.delete(inviteID);
      if (hands?.size === 0) this.#hands.delete(groupID);
    }
    if (had !== (entry !== undefined)) this.#listener?.queueChanged(groupID);
  }

  /** The sequence `event` gets in `userID`'s log, or undefined when it is not logged for them. */
  #logFor(userID: string, event: SignalingEvent, onlineUserOnly: boolean): number | undefined {
    if (!onlineUserOnly) return this.#log(userID, event);
    const id = event.envelope.inviteID;
    const holders = this.#holders.get(id) ?? new Set<string>();
    const standing = { present: this.#online.has(userID), holds: holders.has(userID) };
    if (!isLoggedFor({ onlineUserOnly }, standing)) return undefined;
    holders.add(userID);
    this.#holders.set(id, holders);
    return this.#log(userID, event);
  }

  /**
   * Appends the event to the user's log; undefined (nothing logged) for a user who never signed
   * in here: `attach` makes the log, and a first sign-in starts from a snapshot, so invitations
   * to made-up user ids leave nothing behind.
   */
  #log(userID: string, event: SignalingEvent): number | undefined {
    const log = this.#logs.get(userID);
    if (log === undefined) return undefined;
    log.seq++;
    const entry: LogEntry = { seq: log.seq, event };
    log.entries.push(entry);
    this.#delivered?.entries.push(entry);
    // Trimmed in steps of `limit`, not one entry per event: a class of 1,000 appends a million
    // entries a round. `eventsSince` reads only the last `limit`.
    const limit = this.#logLimit();
    if (log.entries.length >= 2 * limit) log.entries.splice(0, log.entries.length - limit);
    return log.seq;
  }

  #logLimit(): number {
    return this.#options.logLimit ?? 512;
  }

  #countActive(inviter: string, by: number): void {
    const count = (this.#active.get(inviter) ?? 0) + by;
    if (count > 0) this.#active.set(inviter, count);
    else this.#active.delete(inviter);
  }

  async activeInvitations(inviter: string): Promise<number> {
    return this.#active.get(inviter) ?? 0;
  }

  dispatch(actor: string, device: string, command: Command): Promise<CommandReply> {
    return this.#rules().dispatch(actor, device, command);
  }

  delivered(inviteID: string, invitee: string): void {
    this.#rules().delivered(inviteID, invitee);
  }

  async snapshot(userID: string): Promise<StoreSnapshot> {
    const invitations: InvitationRecord[] = [];
    for (const record of this.#rules().visibleTo(userID)) {
      const view = recordViewFor(record, userID);
      if (view !== undefined) invitations.push(view);
    }
    return { seq: this.#logs.get(userID)?.seq ?? 0, invitations };
  }

  async handQueue(groupID: string): Promise<readonly QueuedHand[]> {
    const hands = [...(this.#hands.get(groupID)?.values() ?? [])];
    return hands.sort(byServerOrder);
  }

  async eventsSince(userID: string, seq: number) {
    const log = this.#logs.get(userID) ?? { seq: 0, entries: [] };
    if (seq > log.seq) return undefined;
    if (seq === log.seq) return [];
    const first = log.entries[0]?.seq;
    const oldest = first === undefined ? undefined : Math.max(first, log.seq - this.#logLimit() + 1);
    if (oldest === undefined || oldest > seq + 1) return undefined;
    return log.entries.filter((e) => e.seq > seq);
  }

  async endedSince(userID: string, seq: number, limit: number): Promise<EndedInvitation[]> {
    const log = this.#logs.get(userID) ?? { seq: 0, entries: [] };
    const { entries } = log;
    // The log's window, as for a replay: entries kept past it (trimmed in steps) do not count.
    const after = Math.max(seq, log.seq - this.#logLimit());
    const out = new Map<string, InvitationRecord>();
    const events: SignalingEvent[] = [];
    // The whole window is read, not only up to the `limit`th end: the adds come before the ends.
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i];
      if (entry === undefined || entry.seq <= after) break;
      events.push(entry.event);
      // As the user sees it: a round's final record names only this student.
      const final = entry.ended && recordViewFor(entry.ended, userID);
      if (final !== undefined && out.size < limit) out.set(final.inviteID, final);
    }
    return withCatchUps(userID, events, [...out.values()]);
  }

  async createGroup(owner: string, name: string, cap?: number): Promise<Group> {
    const created = this.#groupsCreated.get(owner) ?? 0;
    if (cap !== undefined && cap > 0 && created >= cap) throw new GroupCapError(cap);
    this.#groupsCreated.set(owner, created + 1);
    let code = joinCode();
    while (this.#codes.has(code)) code = joinCode();
    const group = { groupID: randomUUID(), name, code, owner, members: [owner], createdAt: Date.now() };
    this.#groups.set(group.groupID, group);
    this.#memberSets.set(group.groupID, new Set([owner]));
    this.#codes.set(code, group.groupID);
    return { ...group, members: [...group.members] };
  }

  async joinGroup(code: string, userID: string): Promise<Group | undefined> {
    const groupID = this.#codes.get(code.toUpperCase());
    const group = groupID ? this.#groups.get(groupID) : undefined;
    const set = groupID ? this.#memberSets.get(groupID) : undefined;
    if (group === undefined || set === undefined) return undefined;
    if (!set.has(userID)) {
      set.add(userID);
      group.members.push(userID);
    }
    return { ...group, members: [...group.members] };
  }

  async leaveGroup(groupID: string, userID: string): Promise<boolean> {
    const group = this.#groups.get(groupID);
    const set = this.#memberSets.get(groupID);
    if (group === undefined || set === undefined || !set.delete(userID)) return false;
    group.members.splice(group.members.indexOf(userID), 1);
    return true;
  }

  async getGroup(groupID: string): Promise<Group | undefined> {
    const group = this.#groups.get(groupID);
    return group && { ...group, members: [...group.members] };
  }

  async groupsOf(userID: string): Promise<Group[]> {
    const out: Group[] = [];
    for (const [groupID, set] of this.#memberSets) {
      const group = this.#groups.get(groupID);
      if (group && set.has(userID)) out.push({ ...group, members: [...group.members] });
    }
    return out;
  }

  async attach(userID: string): Promise<void> {
    this.#online.add(userID);
    // From the first sign-in on, what happens while the user is away is logged for the resume.
    if (!this.#logs.has(userID)) this.#logs.set(userID, { seq: 0, entries: [] });
  }

  detach(userID: string): void {
    this.#online.delete(userID);
  }

  async online(userIDs: readonly string[]): Promise<ReadonlySet<string>> {
    return new Set(userIDs.filter((id) => this.#online.has(id)));
  }

  announceGroup(groupID: string, members: readonly string[]): void {
    this.#listener?.groupChanged(groupID, members);
  }

  // One process is the whole deployment: relays never leave it; rooms are kept for the call watch.
  closeRoom(roomID: string): void {
    this.#rooms.delete(roomID);
  }

  /** Opens the room an invitation's end opens (`callRoomOf`), as it is committed. */
  #openRoom(invitation: InvitationRecord): void {
    const now = Date.now();
    const opened = callRoomOf(invitation, now);
    if (opened === undefined) return;
    // Rooms are kept in the order they opened, all for the same time: the expired ones come first.
    for (const [id, r] of this.#rooms) {
      if (r.expiresAt > now) break;
      this.#rooms.delete(id);
    }
    this.#rooms.set(opened.roomID, opened.room);
  }

  async room(roomID: string): Promise<SharedRoom | undefined> {
    const room = this.#rooms.get(roomID);
    return room !== undefined && room.expiresAt > Date.now() ? room : undefined;
  }

  async takeRoom(roomID: string): Promise<SharedRoom | undefined> {
    const room = await this.room(roomID);
    this.#rooms.delete(roomID);
    return room;
  }

  joinGroupRoom(
    roomID: string,
    inviter: string,
    acceptor: string,
    expiresAt: number,
    at: number,
  ): Promise<boolean> {
    return this.#groupRooms.joinGroupRoom(roomID, inviter, acceptor, expiresAt, at);
  }

  leaveGroupRoom(roomID: string, user: string): Promise<GroupRoomLeave> {
    return this.#groupRooms.leaveGroupRoom(roomID, user);
  }

  groupRoom(roomID: string): Promise<GroupRoom | undefined> {
    return this.#groupRooms.groupRoom(roomID);
  }

  relay(): void {}

  deviceUp(userID: string, deviceID: string): void {
    const k = `${userID}\n${deviceID}`;
    this.#devices.set(k, (this.#devices.get(k) ?? 0) + 1);
  }

  deviceDown(userID: string, deviceID: string): void {
    const k = `${userID}\n${deviceID}`;
    const n = (this.#devices.get(k) ?? 0) - 1;
    if (n > 0) this.#devices.set(k, n);
    else this.#devices.delete(k);
  }

  async devicePresence(userID: string, deviceID: string): Promise<DevicePresence> {
    return { connected: this.#devices.has(`${userID}\n${deviceID}`) };
  }

  async recordHistory(userID: string, entry: HistoryEntry): Promise<void> {
    this.#history.set(userID, mergeHistory(this.#history.get(userID) ?? [], entry, this.#historyLimits));
  }

  async history(userID: string): Promise<HistoryEntry[]> {
    return [...(this.#history.get(userID) ?? [])];
  }

  async close(): Promise<void> {
    this.#arbiter?.close();
  }
}
