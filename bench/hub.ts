/**
 * In-process arbiter cost: invite -> onReceiveNewInvitation -> accept through the in-memory hub,
 * against a baseline that only moves the same envelope bytes between two callbacks.
 */
import { CallType, createCallData, decodeEnvelope, encodeEnvelope, SignalingClient } from '@beckon/signaling';
import { InMemoryHub } from '@beckon/signaling/hub';

const N = 20_000;
const data = createCallData({ callType: CallType.VIDEO, roomID: 'room-1' });

function baseline(): number {
  let received = 0;
  const deliver = (text: string) => {
    if (decodeEnvelope(text).ok) received++;
  };
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    const envelope = {
      businessID: 1 as const,
      inviteID: `i${i}`,
      inviter: 'a',
      actionType: 1 as const,
      inviteeList: ['b'],
      data,
      timeout: 30,
      groupID: '',
      onlineUserOnly: false,
    };
    deliver(encodeEnvelope(envelope));
    deliver(encodeEnvelope({ ...envelope, actionType: 3 }));
  }
  if (received !== 2 * N) throw new Error('baseline lost messages');
  return N / ((performance.now() - start) / 1000);
}

async function hub(): Promise<number> {
  const h = new InMemoryHub();
  const alice = new SignalingClient({ transport: h.connect('alice') });
  const bob = new SignalingClient({ transport: h.connect('bob') });
  alice.connect();
  bob.connect();
  let accepted = 0;
  alice.on('onInviteeAccepted', () => accepted++);
  bob.on('onReceiveNewInvitation', (e) => void bob.accept(e.inviteID));
  const start = performance.now();
  for (let i = 0; i < N; i++) await alice.invite('bob', data, { timeout: 30 });
  while (accepted < N) await new Promise((r) => setImmediate(r));
  const rate = N / ((performance.now() - start) / 1000);
  h.close();
  return rate;
}

export async function run(): Promise<void> {
  baseline();
  const base = baseline();
  await hub();
  const measured = await hub();
  console.log('in-process hub: invite -> ring -> accept round trips');
  console.log(`  baseline (encode+decode the same envelopes): ${Math.round(base).toLocaleString()} /s`);
  console.log(`  hub with two SignalingClients:               ${Math.round(measured).toLocaleString()} /s`);
  console.log(`  ratio hub/baseline: ${(measured / base).toFixed(2)}`);
}
