import {
  addInviteesEvent,
  inviteEvent,
  modifyEvent,
  newInvitation,
  settleEvent,
  withInvitees,
} from '@beckon/signaling/rules';
import { describe, expect, it } from 'vitest';
import { withCatchUps } from '../src/store/ended.js';

// The catch-up a snapshot sends before an invitation's ending events, from the part of the log
// after the client's sequence (newest first), without a server.

const held = newInvitation({
  inviteID: 'x',
  inviter: 'alice',
  groupID: '',
  invitees: ['bob'],
  data: 'first',
  timeout: 60,
  onlineUserOnly: false,
  createdAt: 0,
});
const withDave = withInvitees(held, ['dave'], 1);
const withErin = withInvitees(withDave, ['erin'], 2);
const dave = addInviteesEvent(withDave, ['dave'], 1);
const erin = addInviteesEvent(withErin, ['erin'], 2);
const modified = modifyEvent(held, 'second', 3);
const cancel = settleEvent(held, 'cancel', ['bob', 'dave', 'erin'], '', 4);
const final = withErin;

describe('withCatchUps', () => {
  it('the last add the client missed, then the last modify after it', () => {
    const [ended] = withCatchUps('bob', [cancel, modified, erin, dave], [final]);
    expect(ended?.catchUp).toEqual([erin, modified]);
  });

  it('a modify older than the last add is in that add already', () => {
    const [ended] = withCatchUps('bob', [cancel, erin, modified], [final]);
    expect(ended?.catchUp).toEqual([erin]);
  });

  it('nothing missed: only the ending events', () => {
    expect(withCatchUps('bob', [cancel], [final])).toEqual([{ final, catchUp: [] }]);
  });

  it('its invite after the sequence: the client never held it', () => {
    const [ended] = withCatchUps('bob', [cancel, dave, inviteEvent(held, 0)], [final]);
    expect(ended?.catchUp).toEqual([]);
  });

  it('an add naming the user after the sequence: the client was not invited before', () => {
    const [ended] = withCatchUps('dave', [cancel, erin, dave], [final]);
    expect(ended?.catchUp).toEqual([]);
  });

  it('events of other invitations are not taken', () => {
    const other = { ...dave, envelope: { ...dave.envelope, inviteID: 'y' } };
    const [ended] = withCatchUps('bob', [cancel, other], [final]);
    expect(ended?.catchUp).toEqual([]);
  });
});
