import { CallType, type VanishedEvent } from '@beckon/signaling';
import type { TestUser } from './helpers.js';

/** Replay window of the reconnect tests (the default is 512: the same code with a smaller log). */
export const WINDOW = 16;

/** Call data from alice to bob in room `roomID`. */
export const call = (roomID: string) => ({ callType: CallType.VIDEO, roomID, userIDs: ['bob'] });

/** More events for bob than the window holds: carol's invitations, each cancelled. */
export async function flood(carol: TestUser): Promise<void> {
  for (let i = 0; i < WINDOW / 2 + 2; i++) {
    const id = await carol.client.invite('bob', `filler ${i}`, { timeout: 0 });
    await carol.client.cancel(id);
  }
}

/** Collects the user's `onInvitationVanished` events; the client closes with the test's clean-ups. */
export function trackVanished(user: TestUser, cleanups: Array<() => unknown>): VanishedEvent[] {
  const vanished: VanishedEvent[] = [];
  user.client.on('onInvitationVanished', (e) => vanished.push(e));
  cleanups.push(() => user.client.close());
  return vanished;
}
