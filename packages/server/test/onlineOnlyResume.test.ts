import { afterEach, it } from 'vitest';
import type { BeckonServer } from '../src/server.js';
import { startServer, type TestUser } from './helpers.js';
import { onlineOnlyResume } from './onlineOnlyResume.js';

let server: BeckonServer | undefined;
const users: TestUser[] = [];
afterEach(async () => {
  for (const u of users.splice(0)) u.client.close();
  await server?.close();
});

it('onlineUserOnly on the memory store: a resumed inviter hears the answer it missed; an invitee away when invited never gets it', async () => {
  server = await startServer();
  await onlineOnlyResume(server, server, '', users);
});
