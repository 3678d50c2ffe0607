import { expect } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { connectUser, type TestUser, waitFor } from './helpers.js';
import { eventually, trackedSockets } from './redis/cluster.js';

/** Nothing listens here: a device pointed at it stays away, retrying, until it is pointed back. */
const NOWHERE = 'ws://127.0.0.1:1';

/** A device whose socket the test cuts and keeps away until it says so; it then resumes by sequence. */
async function awayable(userID: string, first: BeckonServer, users: TestUser[]) {
  let target: string = first.wsUrl;
  const tracked = trackedSockets();
  const device = await connectUser(() => target, userID, { WebSocket: tracked.WebSocket });
  users.push(device);
  const offline = (server: BeckonServer) =>
    eventually(async () => expect([...(await server.store.online([userID]))]).toEqual([]), 5000);
  return {
    device,
    tracked,
    /** Cuts the socket and resolves once `server` counts the user offline. */
    async leave(server: BeckonServer) {
      target = NOWHERE;
      tracked.drop();
      await offline(server);
    },
    /** Lets the device reconnect, to `server`, and resolves once it is connected again. */
    async come(server: BeckonServer) {
      const sockets = tracked.sockets.length;
      target = server.wsUrl;
      await waitFor(
        () => tracked.sockets.length > sockets && device.client.connectionState === 'connected',
        5000,
        `${userID} back`,
      );
    },
  };
}

/**
 * The onlineUserOnly resume scenario over real sockets (`a` and `b` may be one server or two on
 * one Redis): the inviter's device, away while its invitation is answered, resumes by sequence
 * and hears the answer; an invitee who was away when invited never gets the invitation, not
 * even on resume, while the inviter keeps it until it cancels.
 */
export async function onlineOnlyResume(
  a: BeckonServer,
  b: BeckonServer,
  tag: string,
  users: TestUser[],
): Promise<{ answered: string; missed: string }> {
  const alice = await awayable(`${tag}alice`, a, users);
  const carol = await awayable(`${tag}carol`, b, users);
  const bob = await connectUser(b, `${tag}bob`);
  users.push(bob);

  await carol.leave(a);
  const answered = await alice.device.client.invite(bob.userID, 'ring', { timeout: 0, onlineUserOnly: true });
  const missed = await alice.device.client.invite(carol.device.userID, 'ring', {
    timeout: 0,
    onlineUserOnly: true,
  });
  await bob.waitEvents('onReceiveNewInvitation');

  await alice.leave(b);
  await bob.client.accept(answered);
  await alice.come(b);
  const [accepted] = await alice.device.waitEvents('onInviteeAccepted');
  expect(accepted).toMatchObject({ inviteID: answered, invitee: bob.userID });
  // It resumed by sequence: the only snapshot is the first login's.
  expect(alice.tracked.snapshots).toHaveLength(1);
  // The accepted invitation ended; the unanswered one is still the server's, so still the inviter's.
  expect([...alice.device.client.invitations.keys()]).toEqual([missed]);

  await carol.come(a);
  await alice.device.client.cancel(missed);
  await alice.device.waitEvents('onInvitationCancelled');
  await waitFor(() => alice.device.client.invitations.size === 0, 5000, 'the cancel at the inviter');
  // Carol was away when invited: she never heard of it, live or on resume.
  expect(carol.tracked.snapshots).toHaveLength(1);
  expect(carol.device.seen.map((s) => s.name)).toEqual([]);
  expect(carol.device.client.invitations.size).toBe(0);
  return { answered, missed };
}
