/**
 * `pnpm start`, for now: the seed's flows, scripted against the in-memory hub on the real clock,
 * printed as they happen. (The demo apps replace this once the server and UI land.)
 */
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
} from '@beckon/signaling';
import { InMemoryHub } from '@beckon/signaling/hub';

const hub = new InMemoryHub();
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

function user(name: string): SignalingClient {
  const client = new SignalingClient({ transport: hub.connect(name) });
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
  return client;
}

const title = (text: string) => console.log(`\n== ${text}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

title('one-to-one video call: invite, ring, accept, hang up with the duration');
const alice = user('alice');
const bob = user('bob');
const carol = user('carol');
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
hub.setGroup('class-1', ['teacher', 'amy', 'ben', 'cai']);
const teacher = user('teacher');
const [amy, ben] = [user('amy'), user('ben'), user('cai')];
const round = await teacher.inviteInGroup(
  'class-1',
  ['amy', 'ben', 'cai'],
  createClassroomData('raiseHand'),
  {
    timeout: 0,
  },
);
await ben?.accept(round);
await amy?.accept(round);
const speak = await teacher.inviteInGroup('class-1', ['ben'], createClassroomData('speak'), { timeout: 0 });
await ben?.accept(speak);
const queue = teacher
  .getInvitation(round)
  ?.invitees.filter((i) => i.state === 'accepted')
  .sort((a, b) => (a.answerOrder ?? 0) - (b.answerOrder ?? 0))
  .map((i) => i.userID);
console.log(`\nraised hands, in server order: ${queue?.join(', ')}`);
hub.close();
