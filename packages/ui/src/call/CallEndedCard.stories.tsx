import type { CallEndReason } from '@beckon/signaling/call';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { CallEndedCard } from './CallEndedCard.js';

const meta = {
  title: 'Calls/CallEndedCard',
  component: CallEndedCard,
  args: { name: 'bob', reason: 'hungUp', onClose: fn(), onCallAgain: fn() },
  // The stage's frame, as the card is seen in a call.
  render: (args) => (
    <div className="beckon-callstage" data-fit="container" data-state="ended" style={{ minHeight: 420 }}>
      <div className="beckon-stage-main">
        <CallEndedCard {...args} />
      </div>
    </div>
  ),
} satisfies Meta<typeof CallEndedCard>;

export default meta;
type Story = StoryObj<typeof meta>;

const says = (reason: CallEndReason, text: string | RegExp, extra: Partial<Story['args']> = {}): Story => ({
  args: { reason, ...extra },
  play: async ({ canvasElement, args }) => {
    const card = within(canvasElement);
    await expect(card.getByRole('status')).toHaveTextContent(text);
    await userEvent.click(card.getByRole('button', { name: 'Close' }));
    await expect(args.onClose).toHaveBeenCalled();
  },
});

export const YouHungUp = says('hungUp', 'You hung up after 2 minutes, 5 seconds', {
  endedBy: 'local',
  durationSeconds: 125,
});
export const TheyHungUp = says('hungUp', 'bob hung up after 42 seconds', {
  endedBy: 'remote',
  durationSeconds: 42,
});
export const Declined = says('declined', 'bob declined the call');
export const Busy = says('busy', 'bob is busy');
export const NoAnswer = says('timedOut', 'No answer from bob');
export const Cancelled = says('cancelled', 'Call cancelled');
export const AnsweredElsewhere = says('answeredElsewhere', 'Answered on another device');
export const PeerLeft = says('peerLeft', 'bob left the call after 1 minute, 1 second', {
  durationSeconds: 61,
});
export const ConnectionLost = says('connectionLost', 'Connection lost: the call ended', {
  durationSeconds: 30,
});
export const EndedWhileDisconnected = says('endedWhileDisconnected', 'The call ended while you were offline');
export const Failed = says('failed', 'The call failed', { failure: 'Camera permission was denied' });
export const OnAPhone: Story = {
  ...YouHungUp,
  globals: { viewport: { value: 'phone', isRotated: false } },
};
