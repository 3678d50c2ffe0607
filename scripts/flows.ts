/**
 * `pnpm flows`: starts the Beckon server on the embedded in-memory store in dev mode, plays the
 * seed's flows against it over real WebSockets (tokens from /dev/token), prints every event as
 * it arrives, then keeps serving until Ctrl-C (`--once` stops after the script).
 */

import { createBeckonServer } from '@beckon/server';
import {
  CallType,
  createBusyData,
  createCallData,
  createClassroomData,
  createHangupData,
  parseCallData,
  parseClassroomData,
  SignalingClient,
  type SignalingClientEventName,
  type WebSocketConstructor,
  WebSocketTransport,
} from '@beckon/signaling';
import { WebSocket } from 'ws';

const once = process.argv.includes('--once');
const server = await createBeckonServer({
  port: Number(process.env.BECKON_PORT ?? 8787),
  dev: true,
  logLevel: 'warn',
});
console.log(`Beckon server (dev mode, in-memory store) at ${server.url}`);

async function devToken(userID: string): Promise<string> {
  const res = await fetch(`${server.url}/dev/token?user=${encodeURIComponent(userID)}`);
  return ((await res.json()) as { token: string }).token;
}
const started = Date.now();
const stamp = () => `+${String(Date.now() - started).padStart(5)}ms`;

function describeData(data: string): string {
  const call = parseCallData(data);
  if (call.ok) {
    const v = call.value;
    return `${v.cmd} room=${v.roomID}${v.lineBusy ? ' lineBusy' : ''}${v.callEnd !== undefined ? ` call_end=${v.callEnd}s` : ''}`;
  }
  const room = parseClassroomData(data);
  return room ? `classroom ${room.op}` : JSON.stringify(data);
}

const clients: SignalingClient[] = [];
async function user(name: string): Promise<SignalingClient> {
  const transport = new WebSocketTransport({
    url: server.wsUrl,
    token: await devToken(name),
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
  const client = new SignalingClient({ transport });
  clients.push(client);
  const names: SignalingClientEventName[] = [
    'onReceiveNewInvitation',
    'onInviteeAccepted',
    'onInviteeRejected',
    'onInvitationCancelled',
    'onInvitationTimeout',
    'onInvitationDelivered',
  ];
  for (const event of names) {
    client.on(event, (e) => {
      const detail =
        'invitee' in e
          ? `${e.invitee}${'data' in e && e.data ? ` (${describeData(e.data)})` : ''}`
          : 'inviteeList' in e
            ? `[${e.inviteeList.join(', ')}]${'data' in e && e.data ? ` ${describeData(e.data)}` : ''}`
            : '';
      console.log(`${stamp()}  ${name.padEnd(8)} ${event.padEnd(24)} ${detail}`);
    });
  }
  client.connect();
  await new Promise<void>((resolve) => {
    const off = client.on('onConnectionChange', ({ state }) => {
      if (state !== 'connected') return;
      off();
      resolve();
    });
  });
  return client;
}

const title = (text: string) => console.log(`\n== ${text}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

title('one-to-one video call: invite, ring, accept, hang up with the duration');
const alice = await user('alice');
const bob = await user('bob');
const carol = await user('carol');
const room = 'room-8848';
const callId = await alice.invite('bob', createCallData({ callType: CallType.VIDEO, roomID: room }), {
  timeout: 30,
});
await bob.accept(callId);
await sleep(1200);
await bob.invite(
  'alice',
  createHangupData({ callType: CallType.VIDEO, roomID: room, durationSeconds: 1.2 }),
  { timeout: 0 },
);

title('busy: carol calls bob while he is in a call; bob rejects with lineBusy');
const busy = await carol.invite('bob', createCallData({ callType: CallType.AUDIO, roomID: 'room-2' }));
await bob.reject(busy, createBusyData({ callType: CallType.AUDIO, roomID: 'room-2' }));

title('cancel, then timeout on the arbiter clock (1 s)');
await alice.cancel(
  await alice.invite('carol', createCallData({ callType: CallType.AUDIO, roomID: 'room-3' })),
);
await alice.invite('carol', createCallData({ callType: CallType.AUDIO, roomID: 'room-4' }), { timeout: 1 });
await sleep(1100);

title('classroom: raise hands, invite to speak, everyone sees the lists');
const teacher = await user('teacher');
const [amy, ben] = [await user('amy'), await user('ben'), await user('cai')];
const group = await server.store.createGroup('teacher', 'class-1');
for (const name of ['amy', 'ben', 'cai']) await server.store.joinGroup(group.code, name);
const round = await teacher.inviteInGroup(
  group.groupID,
  ['amy', 'ben', 'cai'],
  createClassroomData('raiseHand'),
  {
    timeout: 0,
  },
);
await ben?.accept(round);
await amy?.accept(round);
await sleep(50);
const speak = await teacher.inviteInGroup(group.groupID, ['ben'], createClassroomData('speak'), {
  timeout: 0,
});
await ben?.accept(speak);
await sleep(100);
const queue = teacher
  .getInvitation(round)
  ?.invitees.filter((i) => i.state === 'accepted')
  .sort((a, b) => (a.answerOrder ?? 0) - (b.answerOrder ?? 0))
  .map((i) => i.userID);
console.log(`\nraised hands, in server order: ${queue?.join(', ')}`);
for (const client of clients) client.close();
if (once) await server.close();
else
  console.log(
    `\nThe server keeps running at ${server.url} (dev tokens: ${server.url}/dev/token?user=NAME). Ctrl-C stops it.`,
  );
