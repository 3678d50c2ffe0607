import { CallType } from '@beckon/signaling';
import { CallController, type CallState } from '@beckon/signaling/call';
import { afterEach, describe, expect, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { api, connectUser, startServer, type TestUser, waitFor } from './helpers.js';

// Issue 22: the caller hangs up at the very moment the callee answers. Whichever the server
// takes, both call states and both histories must say the same thing.

let server: BeckonServer;
const users: TestUser[] = [];
const stops: Array<() => void> = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  for (const u of users.splice(0)) u.client.close();
  await server?.close();
});

async function party(userID: string) {
  const u = await connectUser(server, userID);
  users.push(u);
  const calls = new CallController(u.client, { ringTimeoutSeconds: 30 });
  stops.push(calls.start());
  return { ...u, calls };
}

interface Entry {
  readonly roomID: string;
  readonly outcome: string;
  readonly durationSeconds?: number;
}

/** Polls the user's history until the call in `roomID` has a final outcome (answered is not one). */
async function finalEntry(token: string, roomID: string): Promise<Entry> {
  let found: Entry | undefined;
  const poll = async () => {
    const { body } = await api(server, 'GET', '/history', token);
    found = (body.entries as Entry[]).find((e) => e.roomID === roomID && e.outcome !== 'answered');
  };
  const start = Date.now();
  await poll();
  while (found === undefined) {
    if (Date.now() - start > 5000) throw new Error(`no final history entry for ${roomID}`);
    await poll();
  }
  return found;
}

const ended = (s: CallState) => s.phase === 'ended';

describe('a hang-up crossing an answer, over real sockets', () => {
  it('20 times: both call states and both histories follow the server (answered + call-end, or cancelled)', async () => {
    server = await startServer();
    const alice = await party('alice');
    const bob = await party('bob');
    const seen = { answered: 0, cancelled: 0 };
    for (let i = 0; i < 20; i++) {
      const roomID = `race-${i}`;
      await alice.calls.dial('bob', { callType: CallType.AUDIO, roomID });
      await waitFor(
        () => bob.calls.state.phase === 'ringing' && bob.calls.state.roomID === roomID,
        5000,
        'ringing',
      );
      // Both at once, in alternating order of sending.
      const actions =
        i % 2 === 0 ? [alice.calls.hangUp(), bob.calls.accept()] : [bob.calls.accept(), alice.calls.hangUp()];
      await Promise.all(actions);
      await waitFor(() => ended(alice.calls.state) && ended(bob.calls.state), 5000, `both ended (${i})`);
      const a = alice.calls.state;
      const b = bob.calls.state;
      const history = await Promise.all([finalEntry(alice.token, roomID), finalEntry(bob.token, roomID)]);
      if (a.endReason === 'hungUp') {
        // The answer won: the caller ended the call it was in, with the call-end.
        seen.answered++;
        expect(a).toMatchObject({ endedBy: 'local', durationSeconds: 0 });
        expect(b).toMatchObject({ endReason: 'hungUp', endedBy: 'remote', durationSeconds: 0 });
        for (const entry of history)
          expect(entry).toMatchObject({ outcome: 'completed', durationSeconds: 0 });
      } else {
        seen.cancelled++;
        expect(a).toMatchObject({ endReason: 'cancelled', endedBy: 'local' });
        expect(b).toMatchObject({ endReason: 'cancelled', endedBy: 'remote' });
        for (const entry of history) expect(entry.outcome).toBe('cancelled');
      }
      alice.calls.reset();
      bob.calls.reset();
    }
    expect(seen.answered + seen.cancelled).toBe(20);
  }, 60_000);
});
