import type { GroupRoom, GroupRoomLeave, GroupRooms } from '../rooms.js';

interface Seat {
  left: boolean;
  joinedAt: number;
}

/** Group call rooms in this process (the memory store's; Redis keeps them in one hash each). */
export class MemoryGroupRooms implements GroupRooms {
  /** Users by room, in the order they came in: `left` once they sent their leave notice. */
  readonly #rooms = new Map<string, { users: Map<string, Seat>; expiresAt: number }>();

  async joinGroupRoom(
    roomID: string,
    inviter: string,
    acceptor: string,
    expiresAt: number,
    at: number,
  ): Promise<boolean> {
    const room = this.#open(roomID);
    if (room === undefined) {
      this.#sweep();
      this.#rooms.set(roomID, {
        users: new Map([
          [inviter, { left: false, joinedAt: at }],
          [acceptor, { left: false, joinedAt: at }],
        ]),
        expiresAt,
      });
      return true;
    }
    if (!room.users.has(inviter)) return false;
    room.users.set(acceptor, { left: false, joinedAt: at });
    return true;
  }

  async leaveGroupRoom(roomID: string, user: string): Promise<GroupRoomLeave> {
    const room = this.#open(roomID);
    const seat = room?.users.get(user);
    if (room === undefined || seat === undefined) return 'absent';
    if (seat.left) return 'alreadyLeft';
    seat.left = true;
    if ([...room.users.values()].some((s) => !s.left)) return 'left';
    this.#rooms.delete(roomID);
    return 'closed';
  }

  async groupRoom(roomID: string): Promise<GroupRoom | undefined> {
    const room = this.#open(roomID);
    if (room === undefined) return undefined;
    const users = [...room.users.keys()];
    const joinedAt = new Map([...room.users].map(([u, seat]) => [u, seat.joinedAt]));
    return {
      users,
      left: users.filter((u) => room.users.get(u)?.left),
      expiresAt: room.expiresAt,
      joinedAt,
    };
  }

  #open(roomID: string) {
    const room = this.#rooms.get(roomID);
    if (room === undefined || room.expiresAt > Date.now()) return room;
    this.#rooms.delete(roomID);
    return undefined;
  }

  /** Rooms open for the same time in the order they opened: the expired ones come first. */
  #sweep(): void {
    const now = Date.now();
    for (const [id, room] of this.#rooms) {
      if (room.expiresAt > now) break;
      this.#rooms.delete(id);
    }
  }
}
