import {
  type ConnectionChangeEvent,
  ManualClock,
  SignalingClient,
  type SignalingClientEventName,
  type SignalingClientEvents,
} from '@beckon/signaling';
import { flush } from '../testing/cloud.js';
import { FakeChat, fakeIsAChat } from '../testing/fakeChat.js';
import { TencentTransport, type TencentTransportOptions } from '../transport.js';

export { flush };

const RECORDED: SignalingClientEventName[] = [
  'onReceiveNewInvitation',
  'onInviteeAccepted',
  'onInviteeRejected',
  'onInvitationCancelled',
  'onInvitationTimeout',
  'onInvitationModified',
  'onInvitationDelivered',
];

export type Extra = Partial<Omit<TencentTransportOptions, 'chat' | 'SDKAppID' | 'createChat' | 'userID'>>;

/**
 * One user on one device: a fake chat instance, the transport over it and a real
 * `SignalingClient` on top, on a manual clock. Nothing is connected until `start()`.
 */
export function device(userID: string, extra: Extra = {}, clock = new ManualClock(1_000_000)) {
  const chat = new FakeChat();
  const transport = new TencentTransport({
    chat: fakeIsAChat(chat),
    userID,
    userSig: `sig-${userID}`,
    clock,
    deviceID: `${userID}-device`,
    ...extra,
  });
  const client = new SignalingClient({ transport, clock });
  const seen: Array<{ name: SignalingClientEventName; event: unknown }> = [];
  const states: ConnectionChangeEvent[] = [];
  for (const name of RECORDED) client.on(name, (event) => seen.push({ name, event }));
  client.on('onConnectionChange', (event) => states.push(event));
  return {
    userID,
    clock,
    chat,
    transport,
    client,
    seen,
    states,
    events<K extends SignalingClientEventName>(name: K): Array<SignalingClientEvents[K]> {
      return seen.filter((s) => s.name === name).map((s) => s.event as SignalingClientEvents[K]);
    },
    /** Connects, lets the login resolve, then the SDK becomes ready. */
    async start() {
      client.connect();
      await flush();
      chat.becomeReady();
    },
  };
}

export type Device = ReturnType<typeof device>;

/** A connected device. */
export async function online(userID: string, extra: Extra = {}, clock?: ManualClock): Promise<Device> {
  const d = device(userID, extra, clock);
  await d.start();
  return d;
}
