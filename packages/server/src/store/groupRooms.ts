import type { GroupRoom, GroupRoomLeave, GroupRooms } from '../rooms.js';

/** Group call rooms in this process (the memory store's; Redis keeps them in one hash each). */
export class MemoryGroupRooms implements GroupRooms {
  /** Users by room, in the order they came in: `true` once they sent their leave notice. */
  readonly #rooms = new Map<string, { users: Map<string, boolean>; expiresAt: number }>();

  async joinGroupRoom(
    roomID: string,
    inviter: string,
    acceptor: string,
    expiresAt: number,
  ): Promise<boolean> {
    const room = this.#open(roomID);
    if (room === undefined) {
      this.#sweep();
      this.#rooms.set(roomID, {
        users: new Map([
          [inviter, false],
          [acceptor, false],
        ]),
        expiresAt,
      });
      return true;
    }
    if (!room.users.has(inviter)) return false;
    room.users.set(acceptor, false);
    return true;
  }

  async leaveGroupRoom(roomID: string, user: string): Promise<GroupRoomLeave> {
    const room = this.#open(roomID);
    if (room?.users.has(user) !== true) return 'absent';
    room.users.set(user, true);
    if ([...room.users.values()].some((left) => !left)) return 'left';
    this.#rooms.delete(roomID);
    return 'closed';
  }

  async groupRoom(roomID: string): Promise<GroupRoom | undefined> {
    const room = this.#open(roomID);
    if (room === undefined) return undefined;
    const users = [...room.users.keys()];
    return { users, left: users.filter((u) => room.users.get(u)), expiresAt: room.expiresAt };
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
