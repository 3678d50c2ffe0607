import { afterEach, expect, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { connectUser, startServer } from './helpers.js';

let server: BeckonServer | undefined;
afterEach(async () => {
  await server?.close();
});

it('connects, invites and accepts over a real socket', async () => {
  server = await startServer();
  const alice = await connectUser(server, 'alice');
  const bob = await connectUser(server, 'bob');
  const id = await alice.client.invite('bob', 'hi', { timeout: 30 });
  const [ring] = await bob.waitEvents('onReceiveNewInvitation');
  expect(ring?.inviteID).toBe(id);
  await bob.client.accept(id);
  await alice.waitEvents('onInviteeAccepted');
  await alice.waitEvents('onInvitationDelivered');
});
