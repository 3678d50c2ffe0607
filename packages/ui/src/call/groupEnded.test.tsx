// @vitest-environment happy-dom

import { CallType } from '@beckon/signaling';
import {
  type GroupCallEndReason,
  type GroupCallState,
  type GroupParticipant,
  idleGroupCall,
} from '@beckon/signaling/call';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BeckonUIProvider, type MessageOverrides } from '../i18n/I18nProvider.js';
import { participant as person } from '../test/participant.js';
import { axeViolations } from '../test/world.js';
import { GroupCallEndedCard, type GroupCallEndedCardProps } from './GroupCallEndedCard.js';
import { GroupCallStage } from './GroupCallStage.js';

afterEach(cleanup);

interface Ending {
  readonly reason: GroupCallEndReason;
  readonly by: 'local' | 'remote';
  readonly direction?: 'outgoing' | 'incoming';
  /** Seconds this side spent in the call; undefined: nobody's media ever came. */
  readonly spent?: number;
  readonly people?: readonly GroupParticipant[];
}

const ended = ({ reason, by, direction = 'outgoing', spent, people }: Ending): GroupCallState => ({
  ...idleGroupCall,
  phase: 'ended',
  direction,
  roomID: 'r',
  callType: CallType.VIDEO,
  inviter: direction === 'outgoing' ? 'alice' : 'bob',
  participants: people ?? [person('bob', 'left'), person('carol', 'left')],
  startedAt: spent === undefined ? undefined : 1_000,
  endedAt: 2_000,
  endReason: reason,
  endedBy: by,
  durationSeconds: spent,
});

function card(
  props: Partial<GroupCallEndedCardProps> & Pick<GroupCallEndedCardProps, 'call'>,
  locale = 'en',
  messages?: MessageOverrides,
) {
  const onClose = vi.fn();
  render(
    <BeckonUIProvider locale={locale} {...(messages ? { messages } : {})}>
      <main>
        <GroupCallEndedCard onClose={onClose} {...props} />
      </main>
    </BeckonUIProvider>,
  );
  return { onClose, said: () => screen.getByRole('status').textContent };
}

describe('GroupCallEndedCard', () => {
  it('says how the call ended for this user, with the time spent in it', () => {
    const cases: Array<[Ending, string, number?]> = [
      [{ reason: 'hungUp', by: 'local', spent: 120 }, 'You left the call · 2 minutes'],
      [{ reason: 'everyoneLeft', by: 'remote', spent: 61 }, 'Everyone else left · 1 minute, 1 second'],
      [{ reason: 'full', by: 'local', direction: 'incoming' }, 'The call is full (6 people)', 6],
      [{ reason: 'full', by: 'local', direction: 'incoming' }, 'The call is full'],
      [
        {
          reason: 'declined',
          by: 'remote',
          people: [person('bob', 'declined'), person('carol', 'declined')],
        },
        'Everyone declined',
      ],
      [
        { reason: 'declined', by: 'remote', people: [person('bob', 'busy'), person('carol', 'busy')] },
        'Everyone is busy',
      ],
      [{ reason: 'declined', by: 'remote', people: [person('bob', 'busy')] }, 'bob is busy'],
      [
        {
          reason: 'timedOut',
          by: 'remote',
          people: [person('bob', 'timedOut'), person('carol', 'timedOut')],
        },
        'Nobody answered',
      ],
      [{ reason: 'cancelled', by: 'local', people: [person('bob', 'cancelled')] }, 'You cancelled the call'],
      [{ reason: 'declined', by: 'local', direction: 'incoming' }, 'You declined the call'],
      [{ reason: 'busy', by: 'local', direction: 'incoming' }, 'You said you’re busy'],
      [{ reason: 'timedOut', by: 'remote', direction: 'incoming' }, 'You missed the call'],
      [{ reason: 'cancelled', by: 'remote', direction: 'incoming' }, 'Call cancelled'],
      [{ reason: 'timedOut', by: 'local', direction: 'incoming' }, 'Nobody else is in the call'],
      [{ reason: 'answeredElsewhere', by: 'local', direction: 'incoming' }, 'Answered on another device'],
      [{ reason: 'connectionLost', by: 'remote', spent: 30 }, 'Connection lost: the call ended · 30 seconds'],
    ];
    for (const [ending, sentence, limit] of cases) {
      const { said } = card({ call: ended(ending), maxParticipants: limit });
      expect(said(), `${ending.reason}/${ending.by}/${ending.direction ?? 'outgoing'}`).toBe(sentence);
      cleanup();
    }
  });

  it('lists each answer when nobody joined and the answers differ', () => {
    const { said } = card({
      call: ended({
        reason: 'timedOut',
        by: 'remote',
        people: [person('bob', 'declined'), person('carol', 'timedOut'), person('dave', 'busy')],
      }),
    });
    expect(said()).toBe('Nobody answered');
    expect(screen.getByText('bob declined · No answer from carol · dave is busy')).toBeTruthy();
  });

  it('titles the group, shows the first three faces, and says a failure’s cause', () => {
    card({
      call: {
        ...ended({ reason: 'failed', by: 'local', spent: 5 }),
        participants: ['bob', 'carol', 'dave', 'erin'].map((u) => person(u, 'left')),
        failure: 'ice failed',
      },
      groupName: 'Design team',
      displayName: (u) => u.toUpperCase(),
    });
    expect(screen.getByRole('heading').textContent).toBe('Design team');
    expect(
      [...document.querySelectorAll('.beckon-ended-faces > .beckon-avatar')].map((a) => a.textContent),
    ).toEqual(['B', 'C', 'D']);
    expect(screen.getByRole('status').textContent).toBe('The call failed · 5 seconds');
    expect(screen.getByText('ice failed')).toBeTruthy();
  });

  it('offers Join again only when the app passes it; Close and Join again call back; no axe violations', async () => {
    const { onClose } = card({ call: ended({ reason: 'hungUp', by: 'local', spent: 9 }) });
    expect(screen.queryByRole('button', { name: 'Join again' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledOnce();
    expect(await axeViolations(document.body)).toEqual([]);
    cleanup();

    const onJoinAgain = vi.fn();
    card({ call: ended({ reason: 'hungUp', by: 'local', spent: 9 }), onJoinAgain });
    await userEvent.click(screen.getByRole('button', { name: 'Join again' }));
    expect(onJoinAgain).toHaveBeenCalledOnce();
    expect(await axeViolations(document.body)).toEqual([]);
  });

  it('speaks Simplified Chinese and Japanese, and takes overrides key by key', () => {
    const call = ended({ reason: 'everyoneLeft', by: 'remote', spent: 120 });
    expect(card({ call }, 'zh-CN').said()).toBe('其他人都已离开 · 2分钟');
    cleanup();
    expect(card({ call, onJoinAgain: () => {} }, 'ja').said()).toBe('ほかの全員が退出しました · 2 分');
    expect(screen.getByRole('button', { name: 'もう一度参加' })).toBeTruthy();
    cleanup();
    expect(card({ call }, 'en', { group: { ended: { everyoneLeft: 'All gone' } } }).said()).toBe(
      'All gone · 2 minutes',
    );
    expect(screen.getByRole('heading').textContent).toBe('Group call');
  });
});

describe('GroupCallStage once the call ended', () => {
  it('stays with the card when given onClose, focus on Close; goes without it', async () => {
    const onClose = vi.fn();
    const call = ended({ reason: 'hungUp', by: 'local', spent: 120 });
    const { rerender } = render(
      <GroupCallStage call={call} fit="container" onLeave={() => {}} onClose={onClose} />,
    );
    const region = screen.getByRole('region', { name: 'Group call' });
    expect(region.dataset.state).toBe('ended');
    expect(within(region).getByRole('status').textContent).toBe('You left the call · 2 minutes');
    const close = within(region).getByRole('button', { name: 'Close' });
    expect(document.activeElement).toBe(close);
    await userEvent.click(close);
    expect(onClose).toHaveBeenCalledOnce();
    expect(await axeViolations(document.body)).toEqual([]);
    rerender(<GroupCallStage call={call} fit="container" onLeave={() => {}} />);
    expect(screen.queryByRole('region')).toBeNull();
  });
});
