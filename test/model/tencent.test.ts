import { ManualClock, SignalingClient } from '@beckon/signaling';
import { TencentTransport } from '@beckon/tencent';
import { FakeChat, FakeCloud, fakeIsAChat, flush } from '@beckon/tencent/testing';
import { describe, it } from 'vitest';
import { TENCENT_RULES } from './model.js';
import { checkAgainstModel, DEVICE_USERS, type Runner, waitFor } from './property.js';

/**
 * The Tencent transport on its fakes: every device has its own fake chat, routed by one
 * FakeCloud, all on one manual clock. Nothing is arbitrated, so the property test waits for
 * everyone to hear each command before the next (TENCENT_RULES.arbitration = 'local'). Timeouts
 * are each client's: with no grace, every client times out at the deadline the clock reaches.
 */
const tencent: Runner = {
  name: 'the Tencent transport on FakeCloud',
  rules: TENCENT_RULES,
  time: 'manual',
  offline: 'none',
  bursts: false,
  settleMs: 1000,
  runs: 300,
  maxSteps: 24,
  async open(run) {
    const clock = new ManualClock(1_000_000);
    const cloud = new FakeCloud(clock);
    const users = [0, 1, 2, 3].map((i) => `r${run}-u${i}`);
    const chats: FakeChat[] = [];
    const devices = DEVICE_USERS.map((u, i) => {
      const userID = users[u] ?? '';
      const chat = new FakeChat();
      cloud.join(userID, chat);
      chats.push(chat);
      const transport = new TencentTransport({
        chat: fakeIsAChat(chat),
        userID,
        userSig: `sig-${userID}`,
        clock,
        deviceID: `d${i}`,
        timeoutGraceMs: 0,
      });
      return { client: new SignalingClient({ transport, clock }) };
    });
    return {
      users,
      groupID: `r${run}-g`,
      devices,
      async connect() {
        for (const d of devices) d.client.connect();
        await flush();
        for (const chat of chats) chat.becomeReady();
        await waitFor(
          () => devices.every((d) => d.client.connectionState === 'connected'),
          1000,
          'the logins',
        );
      },
      advance: (ms) => clock.advance(ms),
      now: () => clock.now(),
      async close() {
        for (const d of devices) d.client.close();
        await cloud.settle();
      },
    };
  },
};

describe('the reference model (test/model) against the Tencent transport on its fakes', () => {
  it('random operations from six devices of four users', () => checkAgainstModel(tencent), 120_000);
});
