import { SignalingClient, type SignalingClientEventName, type SignalingClientEvents } from '../client.js';
import { ManualClock } from '../clock.js';
import { type HubTransport, InMemoryHub } from '../hub.js';

export interface TestDevice {
  readonly client: SignalingClient;
  readonly transport: HubTransport;
  readonly seen: Array<{ name: SignalingClientEventName; event: unknown }>;
  /** Events of one name, in arrival order. */
  events<K extends SignalingClientEventName>(name: K): Array<SignalingClientEvents[K]>;
}

const RECORDED: SignalingClientEventName[] = [
  'onReceiveNewInvitation',
  'onInviteeAccepted',
  'onInviteeRejected',
  'onInvitationCancelled',
  'onInvitationTimeout',
  'onInvitationModified',
  'onInvitationDelivered',
];

/** A hub on a manual clock with ids 'inv-1', 'inv-2', ... and a helper to attach recording clients. */
export function createTestHub(start = 1_000_000) {
  const clock = new ManualClock(start);
  let n = 0;
  const ended: string[] = [];
  const hub = new InMemoryHub({
    clock,
    generateId: () => `inv-${++n}`,
    onEnded: (r) => ended.push(r.inviteID),
  });
  const device = (userID: string): TestDevice => {
    const transport = hub.connect(userID);
    const client = new SignalingClient({ transport, clock });
    const seen: TestDevice['seen'] = [];
    for (const name of RECORDED) client.on(name, (event) => seen.push({ name, event }));
    client.connect();
    return {
      client,
      transport,
      seen,
      events: <K extends SignalingClientEventName>(name: K) =>
        seen.filter((s) => s.name === name).map((s) => s.event as SignalingClientEvents[K]),
    };
  };
  return { hub, clock, device, ended };
}
