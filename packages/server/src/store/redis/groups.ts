import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { joinCode } from '../memory.js';
import type { Group } from '../types.js';
import { list } from './scripts.js';

type GroupHead = Omit<Group, 'members'>;

function parseGroups(raw: unknown): Group[] {
  return list<[string, string, unknown]>(JSON.parse(String(raw))).map(([, json, members]) => ({
    ...(JSON.parse(json) as GroupHead),
    members: list<string>(members),
  }));
}

/** Groups in Redis: a hash per group, members in join order, join codes, each user's groups. */
export class RedisGroups {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async create(owner: string, name: string): Promise<Group> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const head: GroupHead = { groupID: randomUUID(), name, code: joinCode(), owner, createdAt: Date.now() };
      if (
        (await this.#redis.beckonGroupCreate(
          this.#prefix,
          head.groupID,
          head.code,
          JSON.stringify(head),
          owner,
        )) === 1
      )
        return { ...head, members: [owner] };
    }
    throw new Error('no free join code after 10 tries');
  }

  async join(code: string, userID: string): Promise<Group | undefined> {
    const groupID = await this.#redis.beckonGroupJoin(this.#prefix, code.toUpperCase(), userID);
    return typeof groupID === 'string' ? this.get(groupID) : undefined;
  }

  async leave(groupID: string, userID: string): Promise<boolean> {
    return (await this.#redis.beckonGroupLeave(this.#prefix, groupID, userID)) === 1;
  }

  async get(groupID: string): Promise<Group | undefined> {
    return parseGroups(await this.#redis.beckonGroupRead(this.#prefix, 'id', groupID))[0];
  }

  async of(userID: string): Promise<Group[]> {
    const groups = parseGroups(await this.#redis.beckonGroupRead(this.#prefix, 'user', userID));
    return groups.sort((a, b) => a.createdAt - b.createdAt || a.groupID.localeCompare(b.groupID));
  }
}
