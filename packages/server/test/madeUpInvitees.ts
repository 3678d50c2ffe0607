import { expect } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { burst, loginRaw, type RawClient } from './raw.js';

// One token inviting made-up user ids (nobody who ever signed in) must leave nothing behind:
// no log per made-up id, so memory does not grow with the ids an attacker invents. A user's
// first sign-in starts from a snapshot, so one who is invited before it still finds what is
// active. Shared by the memory store's and Redis's limits tests.

const ROUNDS = 40;

const invite = (to: string, data: string) => ({
  op: 'invite',
  groupID: '',
  inviteeList: [to],
  data,
  timeout: 30,
  onlineUserOnly: false,
});

/**
 * Alice (on `first`) invites `ROUNDS` made-up ids with 4 KB of data each and cancels them: none
 * gets a log. Then she invites `late`, who has never signed in; `late` signs in (on `second`)
 * and finds it in his first snapshot, and hears her cancel live with sequence number 1.
 */
export async function madeUpInviteesCostNothing(
  first: BeckonServer,
  second: BeckonServer,
  raws: RawClient[],
  id: (n: string) => string,
): Promise<void> {
  const alice = await loginRaw(first, id('alice'), raws);
  const data = 'x'.repeat(4096);
  const ghosts = Array.from({ length: ROUNDS }, (_, i) => id(`ghost-${i}`));
  const sent = await burst(
    alice,
    1,
    ghosts.map((g) => invite(g, data)),
  );
  expect(sent.every((f) => f.ok === true)).toBe(true);
  const cancels = sent.map((f) => ({ op: 'cancel', inviteID: f.inviteID, data: '' }));
  expect((await burst(alice, 1000, cancels)).every((f) => f.ok === true)).toBe(true);
  for (const store of [first.store, second.store]) {
    for (const ghost of ghosts) {
      expect(await store.eventsSince(ghost, 0)).toEqual([]);
      expect((await store.snapshot(ghost)).seq).toBe(0);
    }
    expect(await store.activeInvitations(id('alice'))).toBe(0);
  }

  const late = id('late');
  const [pending] = await burst(alice, 2000, [invite(late, 'come and talk')]);
  const bob = await loginRaw(second, late, raws);
  const snapshot = bob.frames.find((f) => f.t === 'snapshot') as
    | { invitations?: Array<{ inviteID: string }> }
    | undefined;
  expect(snapshot?.invitations?.map((r) => r.inviteID)).toEqual([pending?.inviteID]);
  const from = bob.frames.length;
  await burst(alice, 3000, [{ op: 'cancel', inviteID: pending?.inviteID, data: '' }]);
  const cancelled = await bob.waitFrame((f) => f.t === 'ev', from, 10_000);
  expect(cancelled).toMatchObject({ seq: 1, ev: { kind: 'cancel' } });
}
