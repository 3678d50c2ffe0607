// @vitest-environment happy-dom

import { BeckonProvider } from '@beckon/react';
import { CallType } from '@beckon/signaling';
import {
  type GroupCallState,
  type GroupParticipant,
  type GroupParticipantState,
  idleGroupCall,
} from '@beckon/signaling/call';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BeckonUIProvider } from '../i18n/I18nProvider.js';
import { participant } from '../test/participant.js';
import { axeViolations, createWorld } from '../test/world.js';
import { GroupCallStage, type GroupCallStageProps, type GroupTileMedia } from './GroupCallStage.js';
import { fitGrid } from './groupLayout.js';
import { IncomingCallDialog, type RingingCall } from './IncomingCallDialog.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const person = (userID: string, state: GroupParticipantState, goneAt?: number): GroupParticipant =>
  participant(userID, state, { joinedAt: state === 'joined' ? 1000 : undefined, goneAt });
const call = (
  phase: GroupCallState['phase'],
  participants: GroupParticipant[],
  callType: CallType = CallType.VIDEO,
): GroupCallState => ({
  ...idleGroupCall,
  phase,
  direction: 'outgoing',
  roomID: 'r',
  callType,
  inviter: 'alice',
  participants,
  startedAt: phase === 'inCall' ? 1_000 : undefined,
});

/** The stage with no Beckon provider at all: it needs only its props (and, here, English). */
function stage(props: Partial<GroupCallStageProps> & Pick<GroupCallStageProps, 'call'>) {
  const onLeave = vi.fn();
  const ui = (p: typeof props) => (
    <BeckonUIProvider>
      <GroupCallStage fit="container" self="alice" onLeave={onLeave} {...p} />
    </BeckonUIProvider>
  );
  const result = render(ui(props));
  return { ...result, onLeave, update: (next: typeof props) => result.rerender(ui(next)) };
}
const tiles = () => [...document.querySelectorAll<HTMLElement>('.beckon-group-grid > .beckon-tile')];
const live = () => document.querySelector('.beckon-groupstage > [aria-live="polite"]')?.textContent;

describe('GroupCallStage', () => {
  it('dialing: your tile and one ringing tile per invitee, Cancel leaves, focus in the bar', async () => {
    const { onLeave } = stage({
      call: call('dialing', [
        person('bob', 'ringing'),
        person('carol', 'ringing'),
        person('dave', 'invited'),
      ]),
    });
    const region = screen.getByRole('region', { name: 'Group call' });
    expect(tiles()).toHaveLength(4);
    expect(tiles()[0]?.textContent).toBe('You');
    expect(within(region).getAllByText('Ringing…')).toHaveLength(3);
    expect(region.textContent).toContain('Calling bob, carol, and dave…');
    expect(document.activeElement).toBe(within(region).getByRole('button', { name: 'Microphone' }));
    await userEvent.click(within(region).getByRole('button', { name: 'Cancel' }));
    expect(onLeave).toHaveBeenCalledOnce();
    expect(await axeViolations(document.body)).toEqual([]);
  });

  it('in the call: joined and rung people are tiles, the others are not; Leave, Add people, the timer', async () => {
    const onAddPeople = vi.fn();
    const { onLeave } = stage({
      call: call('inCall', [
        person('bob', 'joined'),
        person('carol', 'ringing'),
        person('dave', 'joined', 5_000),
        person('erin', 'declined'),
        person('frank', 'left'),
        person('grace', 'busy'),
        person('heidi', 'timedOut'),
        person('ivan', 'cancelled'),
      ]),
      groupName: 'Design team',
      onAddPeople,
      serverNow: () => 84_000,
    });
    const region = screen.getByRole('region', { name: 'Design team' });
    expect(tiles().map((t) => t.querySelector('figcaption')?.textContent)).toEqual([
      'You',
      'bob',
      'carol',
      'dave',
    ]);
    expect(within(tiles()[2] as HTMLElement).getByText('Ringing…')).toBeTruthy();
    expect(within(tiles()[3] as HTMLElement).getByText('Reconnecting…')).toBeTruthy();
    expect(within(region).getByText('3 people')).toBeTruthy();
    expect(within(region).getByRole('timer').textContent).toBe('1:23');
    await userEvent.click(within(region).getByRole('button', { name: 'Add people' }));
    expect(onAddPeople).toHaveBeenCalledOnce();
    await userEvent.click(within(region).getByRole('button', { name: 'Leave' }));
    expect(onLeave).toHaveBeenCalledOnce();
    expect(await axeViolations(document.body)).toEqual([]);
  });

  it('plays each joined person’s stream (yours muted) and shows avatars in an audio call', () => {
    const stream = new MediaStream();
    const media = new Map<string, GroupTileMedia>([['bob', { stream, muted: true }]]);
    const { update } = stage({ call: call('inCall', [person('bob', 'joined')]), media, local: { stream } });
    const videos = [...document.querySelectorAll('video')];
    expect(videos.map((v) => [v.srcObject === stream, v.muted])).toEqual([
      [true, true],
      [true, false],
    ]);
    expect(tiles()[1]?.textContent).toContain('bob, muted');
    update({ call: call('inCall', [person('bob', 'joined')], CallType.AUDIO), media });
    expect(screen.queryByRole('button', { name: 'Camera' })).toBeNull();
    expect(tiles().every((t) => t.dataset.camera === 'off')).toBe(true);
  });

  it('says who joined, left or declined in a polite live region, not on the first render', () => {
    const { update } = stage({
      call: call('inCall', [person('bob', 'joined'), person('carol', 'ringing'), person('dave', 'ringing')]),
    });
    expect(live()).toBe('');
    update({
      call: call('inCall', [person('bob', 'left'), person('carol', 'declined'), person('dave', 'joined')]),
    });
    expect(live()).toBe('bob left. carol declined. dave joined');
    expect(tiles()).toHaveLength(2);
    update({
      call: call('inCall', [
        person('bob', 'left'),
        person('carol', 'declined'),
        person('dave', 'joined'),
        person('erin', 'busy'),
      ]),
    });
    // Someone who arrives already out of the call was never announced as in it.
    expect(live()).toBe('bob left. carol declined. dave joined');
  });

  it('highlights the latest speaker, held so it does not flicker', () => {
    vi.useFakeTimers();
    const people = [person('bob', 'joined'), person('carol', 'joined')];
    const speaking = (...ids: string[]) =>
      new Map<string, GroupTileMedia>(people.map((p) => [p.userID, { speaking: ids.includes(p.userID) }]));
    const active = () => document.querySelector('.beckon-tile-active figcaption')?.firstChild?.textContent;
    const { update } = stage({ call: call('inCall', people), media: speaking(), speakerHoldMs: 1000 });
    expect(active()).toBeUndefined();
    update({ call: call('inCall', people), media: speaking('bob'), speakerHoldMs: 1000 });
    expect(active()).toBe('bob');
    update({ call: call('inCall', people), media: speaking('bob', 'carol'), speakerHoldMs: 1000 });
    expect(active()).toBe('bob');
    act(() => vi.advanceTimersByTime(1000));
    expect(active()).toBe('carol');
    update({ call: call('inCall', people), media: speaking(), speakerHoldMs: 1000 });
    expect(active()).toBe('carol');
    act(() => vi.advanceTimersByTime(1000));
    expect(active()).toBeUndefined();
  });

  it('shows while connecting, and nothing when idle, ringing or ended', () => {
    const { update } = stage({ call: call('connecting', [person('bob', 'joined')]), groupName: 'Design' });
    expect(screen.getByRole('region', { name: 'Design' }).textContent).toContain('Connecting to Design…');
    update({ call: call('ringing', [person('bob', 'joined')]) });
    expect(screen.queryByRole('region')).toBeNull();
    update({ call: call('ended', []) });
    expect(screen.queryByRole('region')).toBeNull();
    update({ call: idleGroupCall });
    expect(screen.queryByRole('region')).toBeNull();
  });
});

describe('fitGrid', () => {
  const areas = [
    ['phone', 366, 660],
    ['laptop', 1318, 600],
    ['desktop', 1872, 910],
  ] as const;
  it.each(areas)('fits 2 to 16 tiles in a %s-sized area, none outside it', (_, width, height) => {
    for (let count = 2; count <= 16; count++) {
      const { columns, width: w, height: h } = fitGrid(count, width, height);
      const rows = Math.ceil(count / columns);
      expect(columns * w + (columns - 1) * 8).toBeLessThanOrEqual(width);
      expect(rows * h + (rows - 1) * 8).toBeLessThanOrEqual(height);
      expect(Math.min(w, h)).toBeGreaterThan(60);
    }
  });

  it('picks columns from the count and the shape of the area', () => {
    const columns = (count: number, width: number, height: number) => fitGrid(count, width, height).columns;
    expect([2, 3, 4, 6, 9, 12].map((n) => columns(n, 366, 660))).toEqual([1, 2, 2, 2, 3, 3]);
    expect([2, 3, 4, 6, 9, 12].map((n) => columns(n, 1318, 600))).toEqual([2, 3, 2, 3, 3, 4]);
  });
});

describe('IncomingCallDialog in a group call', () => {
  it('names the caller and how many others, lists them (the rest as +N), and answers the call it is given', async () => {
    const world = createWorld();
    try {
      const accept = vi.fn(async () => {});
      const ringing: RingingCall = {
        phase: 'ringing',
        inviter: 'alice',
        inviteID: undefined,
        callType: CallType.AUDIO,
        actions: { accept, decline: async () => {} },
      };
      const { rerender, client } = world.renderAs(
        'bob',
        <IncomingCallDialog
          call={ringing}
          others={['carol', 'dave', 'erin', 'frank', 'grace']}
          ringtone={false}
        />,
      );
      const dialog = screen.getByRole('alertdialog', { name: 'alice is calling you and 5 others' });
      expect(
        within(dialog)
          .getAllByRole('listitem')
          .map((li) => li.textContent),
      ).toEqual(['carol,', 'dave,', 'erin,', '+2']);
      expect(await axeViolations(document.body)).toEqual([]);
      await userEvent.click(within(dialog).getByRole('button', { name: 'Accept' }));
      expect(accept).toHaveBeenCalledOnce();

      // One more than the limit is listed by name, not “+1”; one other is “1 other”.
      rerender(
        <BeckonProvider client={client}>
          <IncomingCallDialog
            call={ringing}
            open
            others={['carol', 'dave', 'erin', 'frank']}
            groupName="Design team"
            ringtone={false}
          />
        </BeckonProvider>,
      );
      expect(screen.getAllByRole('listitem')).toHaveLength(4);
      expect(screen.getByText('Design team')).toBeTruthy();
      rerender(
        <BeckonProvider client={client}>
          <IncomingCallDialog call={ringing} open others={['carol']} ringtone={false} />
        </BeckonProvider>,
      );
      expect(screen.getByRole('alertdialog', { name: 'alice is calling you and 1 other' })).toBeTruthy();
    } finally {
      world.close();
    }
  });
});
