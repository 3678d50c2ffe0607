import type { RtcSignal } from './signal.js';
import type { RoomSignaling } from './signaling.js';

export interface MemoryRoomHubOptions {
  /**
   * Rewrites a message in flight, or drops it by returning `undefined` (tests use it to keep
   * loopback candidates only, or to lose messages). Its result is delivered as JSON, like a relay.
   */
  readonly transform?: (message: RtcSignal, from: string, to: string) => unknown;
}

/** Rooms in memory: every `connect` is one user's {@link RoomSignaling} into one room. */
export interface MemoryRoomHub {
  connect(roomID: string, userID: string): RoomSignaling;
  /** Who is in a room now. */
  members(roomID: string): string[];
}

interface Member {
  readonly onMessage: Set<(from: string, message: unknown) => void>;
  readonly onMember: Set<(userID: string, present: boolean) => void>;
  closed: boolean;
}

/**
 * An in-memory relay for {@link RoomSignaling}: messages go through JSON and arrive on a later
 * microtask, in order, only to members of the same room. For tests and single-page demos.
 */
export function createMemoryRoomHub(options: MemoryRoomHubOptions = {}): MemoryRoomHub {
  const rooms = new Map<string, Map<string, Member>>();

  const connect = (roomID: string, userID: string): RoomSignaling => {
    let room = rooms.get(roomID);
    if (room === undefined) {
      room = new Map();
      rooms.set(roomID, room);
    }
    const members = room;
    const me: Member = { onMessage: new Set(), onMember: new Set(), closed: false };
    const current = (other: Member) => !other.closed && !me.closed;

    const announce = (present: boolean) => {
      for (const [id, other] of members) {
        if (id === userID) continue;
        queueMicrotask(() => {
          if (!other.closed) for (const handler of [...other.onMember]) handler(userID, present);
        });
      }
    };

    const previous = members.get(userID);
    if (previous !== undefined) {
      previous.closed = true;
      announce(false);
    }
    members.set(userID, me);
    announce(true);

    return {
      send(to, message) {
        const target = members.get(to);
        if (me.closed || target === undefined || to === userID) return;
        const wire = options.transform ? options.transform(message, userID, to) : message;
        if (wire === undefined) return;
        const copy: unknown = JSON.parse(JSON.stringify(wire));
        queueMicrotask(() => {
          if (current(target)) for (const handler of [...target.onMessage]) handler(userID, copy);
        });
      },
      onMessage(handler) {
        me.onMessage.add(handler);
        return () => {
          me.onMessage.delete(handler);
        };
      },
      onMember(handler) {
        me.onMember.add(handler);
        const present = [...members.keys()].filter((id) => id !== userID);
        queueMicrotask(() => {
          for (const id of present) {
            const other = members.get(id);
            if (other !== undefined && current(other) && me.onMember.has(handler)) handler(id, true);
          }
        });
        return () => {
          me.onMember.delete(handler);
        };
      },
      close() {
        if (me.closed) return;
        me.closed = true;
        if (members.get(userID) !== me) return;
        members.delete(userID);
        announce(false);
        if (members.size === 0) rooms.delete(roomID);
      },
    };
  };

  return {
    connect,
    members: (roomID) => [...(rooms.get(roomID)?.keys() ?? [])],
  };
}
