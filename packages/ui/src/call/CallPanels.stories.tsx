import { CallType, createBusyData } from '@beckon/signaling';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { AutoDial } from '../stories/AutoDial.js';
import { type Live, LiveHub } from '../stories/LiveHub.js';
import { CallEndedSummary } from './CallEndedSummary.js';
import { CallView } from './CallView.js';
import { OutgoingCallPanel } from './OutgoingCallPanel.js';

type Script = (live: Live) => void;

/** What bob does when alice's call rings. */
const bobAnswers =
  (answer: 'accept' | 'reject' | 'busy' | 'nothing'): Script =>
  (live) => {
    const bob = live.user('bob');
    bob.on('onReceiveNewInvitation', (e) => {
      if (answer === 'accept') void bob.accept(e.inviteID);
      if (answer === 'reject') void bob.reject(e.inviteID);
      if (answer === 'busy')
        void bob.reject(e.inviteID, createBusyData({ callType: CallType.VIDEO, roomID: 'r' }));
    });
  };

function Media({ label }: { label: string }) {
  return (
    <div
      role="img"
      aria-label={label}
      style={{ aspectRatio: '16 / 9', background: 'var(--beckon-surface)' }}
    />
  );
}

const meta = {
  title: 'Calls/Outgoing, in call, ended',
  render: (_, { parameters }) => (
    <LiveHub viewer="alice" script={parameters.script} ringTimeoutSeconds={parameters.ringTimeoutSeconds}>
      <AutoDial peer="bob" mediaJoins={parameters.mediaJoins ?? false} />
      <OutgoingCallPanel />
      <CallView remoteMedia={<Media label="bob's camera" />} localMedia={<Media label="your camera" />} />
      <CallEndedSummary />
    </LiveHub>
  ),
  parameters: { script: bobAnswers('nothing') },
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

export const Calling: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getByRole('status').textContent).toBe('Calling bob…'));
    await userEvent.click(canvas.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(canvas.getByRole('status').textContent).toBe('Call cancelled'));
  },
};

export const Declined: Story = {
  parameters: { script: bobAnswers('reject') },
  play: async ({ canvasElement }) => {
    await waitFor(() =>
      expect(within(canvasElement).getByRole('status').textContent).toBe('bob declined the call'),
    );
  },
};

export const Busy: Story = {
  parameters: { script: bobAnswers('busy') },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(within(canvasElement).getByRole('status').textContent).toBe('bob is busy'));
  },
};

export const NoAnswer: Story = {
  parameters: { ringTimeoutSeconds: 1 },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() => expect(canvas.getByRole('status').textContent).toBe('No answer from bob'), {
      timeout: 3000,
    });
  },
};

export const ConnectedWithTimer: Story = {
  parameters: { script: bobAnswers('accept'), mediaJoins: true },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const region = await canvas.findByRole('region', { name: 'In call with bob' });
    await waitFor(() => expect(within(region).getByRole('timer').textContent).toBe('0:01'), {
      timeout: 3000,
    });
    const camera = canvas.getByRole('button', { name: 'Camera' });
    await userEvent.click(camera);
    await expect(camera).toHaveAttribute('aria-pressed', 'false');
  },
};

export const EndedWithDuration: Story = {
  parameters: { script: bobAnswers('accept'), mediaJoins: true },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('region', { name: 'In call with bob' });
    await new Promise((r) => setTimeout(r, 1100));
    await userEvent.click(canvas.getByRole('button', { name: 'Hang up' }));
    await waitFor(() =>
      expect(canvas.getByRole('status').textContent).toMatch(/^You hung up after 1 second/),
    );
  },
};

export const DarkTheme: Story = {
  globals: { theme: 'dark' },
  parameters: { script: bobAnswers('accept'), mediaJoins: true },
};
