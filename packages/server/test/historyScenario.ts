import { CallType, createCallData, createHangupData } from '@beckon/signaling';
import { expect } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import type { HistoryEntry, Store } from '../src/store/types.js';
import { api, connectUser, startServer, type TestUser } from './helpers.js';

const call = (roomID: string) => createCallData({ callType: CallType.VIDEO, roomID });

/** Generous request limits: the stranger's 600 requests must reach the history, not a 429. */
const FAST = {
  rateLimit: { burst: 10_000, perSecond: 10_000 },
  userRateLimit: { burst: 10_000, perSecond: 10_000 },
};

/**
 * Bob has real calls with alice (answered, two of them hung up); then a stranger rings bob and
 * cancels 300 times. Bob's calls with alice must all still be in his history, and the
 * stranger holds no more than its share (`perPeer`), the newest of its calls.
 */
export async function strangerCannotWipeHistory(store: Store, perPeer: number): Promise<void> {
  let server: BeckonServer | undefined;
  const users: TestUser[] = [];
  try {
    server = await startServer({ store, ...FAST });
    const s = server;
    const join = async (id: string) => {
      const u = await connectUser(s, id);
      users.push(u);
      return u;
    };
    const [alice, bob, mallory] = [await join('alice'), await join('bob'), await join('mallory')];
    const history = async (u: TestUser): Promise<HistoryEntry[]> =>
      (await api(s, 'GET', '/history', u.token)).body.entries as HistoryEntry[];
    let seen: HistoryEntry[] = [];
    const poll = async (check: (entries: HistoryEntry[]) => boolean, what: string) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        seen = await history(bob);
        if (check(seen)) return;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(seen)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const real: string[] = [];
    for (const [i, seconds] of [
      [1, 30],
      [2, 0],
      [3, 95],
    ] as const) {
      const id = await alice.client.invite('bob', call(`r-${i}`), { timeout: 30 });
      await bob.waitEvents('onReceiveNewInvitation', real.length + 1);
      await bob.client.accept(id);
      await alice.waitEvents('onInviteeAccepted', real.length + 1);
      // The hang-up completes the answered call, so that entry is written first.
      await poll((e) => e.some((x) => x.inviteID === id), "the answered call in bob's history");
      if (seconds > 0) {
        const data = createHangupData({
          callType: CallType.VIDEO,
          roomID: `r-${i}`,
          durationSeconds: seconds,
        });
        await alice.client.invite('bob', data, { timeout: 0 });
      }
      real.push(id);
    }
    await poll((e) => e.filter((x) => x.outcome === 'completed').length === 2, "bob's real calls");
    const before = seen;

    const spam: string[] = [];
    for (let i = 0; i < 300; i++) {
      const id = await mallory.client.invite('bob', call(`spam-${i}`), { timeout: 30 });
      await mallory.client.cancel(id);
      spam.push(id);
    }
    await bob.waitEvents('onInvitationCancelled', 300);
    await poll((e) => e[0]?.inviteID === spam[299], "the stranger's last call in bob's history");

    const fromAlice = seen.filter((e) => e.peer === 'alice');
    expect(fromAlice).toEqual(before);
    expect(fromAlice.map((e) => e.inviteID).sort()).toEqual([...real].sort());
    expect(fromAlice.map((e) => e.outcome).sort()).toEqual(['answered', 'completed', 'completed']);
    const fromMallory = seen.filter((e) => e.peer === 'mallory');
    expect(fromMallory.map((e) => e.inviteID)).toEqual(spam.slice(-perPeer).reverse());
    expect(fromMallory.every((e) => e.outcome === 'cancelled' && e.direction === 'incoming')).toBe(true);
  } finally {
    for (const u of users) u.client.close();
    await server?.close();
  }
}
