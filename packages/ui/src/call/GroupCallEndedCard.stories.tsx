import { CallType } from '@beckon/signaling';
import { type GroupCallEndReason, type GroupCallState, idleGroupCall } from '@beckon/signaling/call';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { participant as person } from '../test/participant.js';
import { GroupCallEndedCard } from './GroupCallEndedCard.js';

const NAMES: Record<string, string> = { bob: 'Bob Smith', carol: 'Carol Jones', dave: 'Dave Lee' };
const displayName = (id: string) => NAMES[id] ?? id;

/** A call alice was in with bob and carol (or rang them), ended for her by `reason`. */
function ended(
  reason: GroupCallEndReason,
  endedBy: 'local' | 'remote',
  extra: Partial<GroupCallState> = {},
): GroupCallState {
  return {
    ...idleGroupCall,
    phase: 'ended',
    direction: 'outgoing',
    roomID: 'story-room',
    callType: CallType.VIDEO,
    inviter: 'alice',
    participants: [person('bob', 'left'), person('carol', 'left')],
    endReason: reason,
    endedBy,
    ...extra,
  };
}
/** Connected: this side spent `seconds` in the call. */
const spent = (seconds: number) => ({ startedAt: 1, durationSeconds: seconds });

const meta = {
  title: 'Calls/GroupCallEndedCard',
  component: GroupCallEndedCard,
  args: { call: ended('hungUp', 'local', spent(120)), displayName, onClose: fn() },
  // The stage's frame, as the card is seen after a call (`GroupCallStage` with `onClose`).
  render: (args) => (
    <div className="beckon-callstage" data-fit="container" data-state="ended" style={{ minHeight: 460 }}>
      <div className="beckon-stage-main">
        <GroupCallEndedCard {...args} />
      </div>
    </div>
  ),
} satisfies Meta<typeof GroupCallEndedCard>;

export default meta;
type Story = StoryObj<typeof meta>;

const says = (call: GroupCallState, text: string, extra: Partial<Story['args']> = {}): Story => ({
  args: { call, ...extra },
  play: async ({ canvasElement, args }) => {
    const card = within(canvasElement);
    await expect(card.getByRole('status')).toHaveTextContent(text);
    await expect(card.queryByRole('button', { name: 'Join again' }) !== null).toBe(
      args.onJoinAgain !== undefined,
    );
    await userEvent.click(card.getByRole('button', { name: 'Close' }));
    await expect(args.onClose).toHaveBeenCalled();
  },
});

export const YouLeft = says(ended('hungUp', 'local', spent(120)), 'You left the call · 2 minutes', {
  onJoinAgain: fn(),
});
export const EveryoneLeft = says(
  ended('everyoneLeft', 'remote', spent(754)),
  'Everyone else left · 12 minutes, 34 seconds',
  {
    groupName: 'Design team',
  },
);
export const Full = says(ended('full', 'local', { direction: 'incoming' }), 'The call is full (6 people)', {
  maxParticipants: 6,
});
export const EveryoneDeclined = says(
  ended('declined', 'remote', { participants: [person('bob', 'declined'), person('carol', 'declined')] }),
  'Everyone declined',
);
export const EveryoneBusy = says(
  ended('declined', 'remote', { participants: [person('bob', 'busy'), person('carol', 'busy')] }),
  'Everyone is busy',
);
export const NobodyAnswered = says(
  ended('timedOut', 'remote', {
    participants: [person('bob', 'declined'), person('carol', 'timedOut'), person('dave', 'busy')],
  }),
  'Nobody answered',
);
export const YouCancelled = says(
  ended('cancelled', 'local', { participants: [person('bob', 'cancelled'), person('carol', 'cancelled')] }),
  'You cancelled the call',
);
export const YouDeclined = says(
  ended('declined', 'local', { direction: 'incoming' }),
  'You declined the call',
  {
    onJoinAgain: fn(),
  },
);
export const YouMissedIt = says(
  ended('timedOut', 'remote', { direction: 'incoming' }),
  'You missed the call',
  {
    onJoinAgain: fn(),
  },
);
export const AnsweredElsewhere = says(
  ended('answeredElsewhere', 'local', { direction: 'incoming' }),
  'Answered on another device',
);
export const ConnectionLost = says(
  ended('connectionLost', 'remote', spent(45)),
  'Connection lost: the call ended · 45 seconds',
  { onJoinAgain: fn() },
);
export const OnAPhone: Story = {
  ...YouLeft,
  globals: { viewport: { value: 'phone', isRotated: false } },
};
export const Japanese: Story = {
  args: { call: ended('everyoneLeft', 'remote', spent(120)), onJoinAgain: fn() },
  globals: { locale: 'ja' },
  play: async ({ canvasElement }) => {
    const card = within(canvasElement);
    await expect(card.getByRole('status')).toHaveTextContent('ほかの全員が退出しました · 2 分');
    await expect(card.getByRole('button', { name: 'もう一度参加' })).toBeVisible();
  },
};
export const ChineseOnAPhone: Story = {
  ...Japanese,
  globals: { locale: 'zh-CN', viewport: { value: 'phone', isRotated: false } },
  play: async ({ canvasElement }) => {
    const card = within(canvasElement);
    await expect(card.getByRole('status')).toHaveTextContent('其他人都已离开 · 2分钟');
    await expect(card.getByRole('button', { name: '重新加入' })).toBeVisible();
  },
};
