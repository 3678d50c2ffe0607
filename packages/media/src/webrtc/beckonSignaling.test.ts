import { ManualClock, SignalingClient } from '@beckon/signaling';
import { InMemoryHub } from '@beckon/signaling/hub';
import { describe, expect, it } from 'vitest';
import { beckonRoomSignaling } from './beckonSignaling.js';

function clients() {
  const hub = new InMemoryHub({ clock: new ManualClock(0) });
  const make = (user: string) => {
    const c = new SignalingClient({ transport: hub.connect(user) });
    c.connect();
    return c;
  };
  return { alice: make('alice'), bob: make('bob'), eve: make('eve') };
}

describe('RoomSignaling over the Beckon relay', () => {
  it('derives presence from hello/here whoever joins first, relays messages, and reports leaving', async () => {
    const { alice, bob } = clients();
    const a = await beckonRoomSignaling(alice, () => ['bob'])('room-1', 'alice');
    const aMembers: string[] = [];
    a.onMember((u, here) => aMembers.push(`${u}:${here}`));
    // Bob is not in yet: alice's hello went nowhere, nobody is present.
    expect(aMembers).toEqual([]);

    const b = await beckonRoomSignaling(bob, () => ['alice'])('room-1', 'bob');
    const bMembers: string[] = [];
    b.onMember((u, here) => bMembers.push(`${u}:${here}`));
    expect(aMembers).toEqual(['bob:true']);
    expect(bMembers).toEqual(['alice:true']);

    const got: unknown[] = [];
    b.onMessage((from, m) => got.push([from, m]));
    a.send('bob', { type: 'media', session: 's', audio: true, video: false });
    expect(got).toEqual([['alice', { type: 'media', session: 's', audio: true, video: false }]]);

    b.close();
    expect(aMembers).toEqual(['bob:true', 'bob:false']);
  });

  it('ignores other rooms and malformed data (who may talk in a room is for the server to say)', async () => {
    const { alice, bob } = clients();
    const a = await beckonRoomSignaling(alice, () => ['bob'])('room-1', 'alice');
    const got: unknown[] = [];
    a.onMessage((from, m) => got.push([from, m]));
    bob.sendRoomSignal('room-2', 'alice', JSON.stringify({ k: 'msg', m: 1 }));
    bob.sendRoomSignal('room-1', 'alice', '{not json');
    bob.sendRoomSignal('room-1', 'alice', JSON.stringify({ k: 'msg' }));
    expect(got).toEqual([]);
  });
});
