import { CallType, type Command, createHangupData } from '@beckon/signaling';
import { expect } from 'vitest';
import type { Store } from '../src/store/types.js';

// A call-end notice that nobody acknowledges times out (issue 14's known limit, closed), at the
// store alone (no server): shared by the memory test and the Redis tests (one Redis and the
// local cluster). The stores run with `callEndNoticeSeconds: 1`.

const invite = (to: string, data: string): Command => ({
  op: 'invite',
  groupID: '',
  inviteeList: [to],
  data,
  timeout: 0,
  onlineUserOnly: false,
});

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Alice hangs up on bob, whose devices are gone for good: the notice times out for both after the
 * store's `callEndNoticeSeconds` (one second here); alice's other timeout-0 invitation stays.
 * `sending` commits; `other` is another process on a shared store (or the same store).
 */
export async function unacknowledgedNoticeTimesOut(sending: Store, other: Store, id: (n: string) => string) {
  const [alice, bob] = [id('alice'), id('bob')];
  // Both have signed in before (their logs exist); bob's devices are gone for good.
  await sending.attach(alice);
  await other.attach(bob);
  other.detach(bob);
  const hangup = createHangupData({ callType: CallType.VIDEO, roomID: id('room'), durationSeconds: 12 });
  const sent = await sending.dispatch(alice, `${alice}-d`, invite(bob, hangup), 1000);
  if (!sent.ok) throw new Error(`hang-up: ${JSON.stringify(sent.error)}`);
  const kept = await sending.dispatch(alice, `${alice}-d`, invite(bob, 'a note that waits'), 1000);
  if (!kept.ok) throw new Error(`note: ${JSON.stringify(kept.error)}`);
  expect(await other.activeInvitations(alice)).toBe(2);
  const notice = (await other.snapshot(bob)).invitations.find((r) => r.inviteID === sent.inviteID);
  expect(notice?.timeout).toBe(0);
  expect(notice?.invitees[0]?.deadline).toBeGreaterThan(notice?.createdAt ?? Infinity);

  const timedOut = async (user: string) =>
    ((await other.eventsSince(user, 0)) ?? []).some(
      (e) => e.event.kind === 'timeout' && e.event.envelope.inviteID === sent.inviteID,
    );
  await until(() => timedOut(alice), "the notice's timeout in alice's log");
  expect(await timedOut(bob)).toBe(true);
  expect(await other.activeInvitations(alice)).toBe(1);
  for (const user of [alice, bob])
    expect((await other.snapshot(user)).invitations.map((r) => r.inviteID)).toEqual([kept.inviteID]);
}
