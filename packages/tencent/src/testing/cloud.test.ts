import { ManualClock } from '@beckon/signaling';
import { describe, expect, it } from 'vitest';
import { SignalingEventName } from '../sdk.js';
import { FakeCloud } from './cloud.js';
import { FakeChat } from './fakeChat.js';

/** Users straight on fake chats, each recording the signaling events it hears. */
function users(...names: string[]) {
  const cloud = new FakeCloud(new ManualClock(1_000_000));
  const heard = new Map<string, Array<{ name: string; data: Record<string, unknown> }>>();
  const chats = new Map<string, FakeChat>();
  for (const name of names) {
    const chat = new FakeChat();
    cloud.join(name, chat);
    chats.set(name, chat);
    const list: Array<{ name: string; data: Record<string, unknown> }> = [];
    heard.set(name, list);
    for (const event of Object.values(SignalingEventName))
      chat.addSignalingListener(event, (e: unknown) =>
        list.push({ name: event, data: (e as { data: Record<string, unknown> }).data }),
      );
  }
  const chat = (name: string) => chats.get(name) as FakeChat;
  const names_ = (user: string, event: string) =>
    (heard.get(user) ?? []).filter((h) => h.name === event).map((h) => h.data);
  return { cloud, chat, heard: names_ };
}

describe('FakeCloud: group invitations', () => {
  it('reach every member of a known group, listed or not, and so does everything about them', async () => {
    const { cloud, chat, heard } = users('alice', 'bob', 'carol', 'zoe');
    cloud.group('team', ['alice', 'bob', 'carol']);
    const sent = (await chat('alice').inviteInGroup({
      groupID: 'team',
      inviteeList: ['bob'],
      data: 'x',
      timeout: 30,
    })) as { inviteID: string };
    await cloud.settle();
    for (const u of ['bob', 'carol'])
      expect(heard(u, SignalingEventName.NEW_INVITATION_RECEIVED)).toMatchObject([
        { inviteID: sent.inviteID, inviteeList: ['bob'], groupID: 'team' },
      ]);
    expect(heard('zoe', SignalingEventName.NEW_INVITATION_RECEIVED)).toEqual([]);
    await chat('bob').accept({ inviteID: sent.inviteID, data: 'y' });
    await cloud.settle();
    expect(heard('carol', SignalingEventName.INVITEE_ACCEPTED)).toMatchObject([{ invitee: 'bob' }]);
    await chat('alice').cancel({ inviteID: sent.inviteID, data: '' });
    await cloud.settle();
    expect(heard('carol', SignalingEventName.INVITATION_CANCELLED)).toHaveLength(1);
    expect(heard('zoe', SignalingEventName.INVITATION_CANCELLED)).toEqual([]);
  });

  it('a group it does not know reaches the invitees only', async () => {
    const { cloud, chat, heard } = users('alice', 'bob', 'carol');
    await chat('alice').inviteInGroup({ groupID: 'other', inviteeList: ['bob'], data: 'x', timeout: 30 });
    await cloud.settle();
    expect(heard('bob', SignalingEventName.NEW_INVITATION_RECEIVED)).toHaveLength(1);
    expect(heard('carol', SignalingEventName.NEW_INVITATION_RECEIVED)).toEqual([]);
    expect(() => cloud.group('', ['alice'])).toThrow(/needs an id/);
  });

  it('timeout() raises INVITATION_TIMEOUT for the inviter, the invitees it names and the group', async () => {
    const { cloud, chat, heard } = users('alice', 'bob', 'carol', 'dave');
    cloud.group('team', ['alice', 'bob', 'carol', 'dave']);
    const sent = (await chat('alice').inviteInGroup({
      groupID: 'team',
      inviteeList: ['bob', 'carol'],
      data: 'x',
      timeout: 30,
    })) as { inviteID: string };
    cloud.timeout(sent.inviteID, ['bob']);
    await cloud.settle();
    for (const u of ['alice', 'bob', 'carol', 'dave'])
      expect(heard(u, SignalingEventName.INVITATION_TIMEOUT)).toMatchObject([
        { inviteID: sent.inviteID, inviteeList: ['bob'], isSelfTimeout: u === 'bob' },
      ]);
    const one = (await chat('alice').invite({ userID: 'dave', data: 'x', timeout: 30 })) as {
      inviteID: string;
    };
    cloud.timeout(one.inviteID);
    await cloud.settle();
    expect(heard('dave', SignalingEventName.INVITATION_TIMEOUT).at(-1)).toMatchObject({
      inviteeList: ['dave'],
    });
    expect(heard('carol', SignalingEventName.INVITATION_TIMEOUT)).toHaveLength(1);
    expect(() => cloud.timeout('nope')).toThrow(/no invitation nope/);
    expect(() => cloud.timeout(one.inviteID, ['bob'])).toThrow(/bob is not an invitee/);
  });
});
