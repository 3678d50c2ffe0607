import { randomUUID } from 'node:crypto';
import { GroupCapError } from '../../limits.js';
import { joinCode } from '../memory.js';
import type { Group } from '../types.js';
import { call } from './errors.js';
import type { Keys } from './keys.js';
import { type Client, list } from './scripts.js';

type GroupHead = Omit<Group, 'members'>;

function parseGroups(raw: unknown): Group[] {
  return list<[string, string, unknown]>(JSON.parse(String(raw))).map(([, json, members]) => ({
    ...(JSON.parse(json) as GroupHead),
    members: list<string>(members),
  }));
}

/** Groups in Redis: a hash per group, members in join order, join codes, each user's groups. */
export class RedisGroups {
  readonly #redis: Client;
  readonly #keys: Keys;

  constructor(redis: Client, keys: Keys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  async create(owner: string, name: string, cap = 0): Promise<Group> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const head: GroupHead = { groupID: randomUUID(), name, code: joinCode(), owner, createdAt: Date.now() };
      const made = await call(() =>
        this.#redis.beckonGroupCreate(
          this.#keys.code(head.code),
          this.#keys.group(head.groupID),
          this.#keys.members(head.groupID),
          this.#keys.groupsOf(owner),
          this.#keys.groupsCreated(owner),
          head.groupID,
          JSON.stringify(head),
          owner,
          cap,
        ),
      );
      if (made === -1) throw new GroupCapError(cap);
      if (made === 1) return { ...head, members: [owner] };
    }
    throw new Error('no free join code after 10 tries');
  }

  async join(code: string, userID: string): Promise<Group | undefined> {
    const k = this.#keys;
    const groupID = await this.#redis.beckonGroupJoin(
      k.code(code.toUpperCase()),
      k.groupsOf(userID),
      k.prefix,
      userID,
    );
    return typeof groupID === 'string' ? this.get(groupID) : undefined;
  }

  async leave(groupID: string, userID: string): Promise<boolean> {
    const k = this.#keys;
    return (
      (await this.#redis.beckonGroupLeave(
        k.members(groupID),
        k.groupsOf(userID),
        k.group(groupID),
        groupID,
        userID,
      )) === 1
    );
  }

  async get(groupID: string): Promise<Group | undefined> {
    return parseGroups(
      await this.#redis.beckonGroupRead(this.#keys.group(groupID), this.#keys.prefix, 'id', groupID),
    )[0];
  }

  async of(userID: string): Promise<Group[]> {
    const groups = parseGroups(
      await this.#redis.beckonGroupRead(this.#keys.groupsOf(userID), this.#keys.prefix, 'user', userID),
    );
    return groups.sort((a, b) => a.createdAt - b.createdAt || a.groupID.localeCompare(b.groupID));
  }
}
