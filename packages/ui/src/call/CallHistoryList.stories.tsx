import type { CallHistoryEntry } from '@beckon/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { LiveHub } from '../stories/LiveHub.js';
import { CallHistoryList } from './CallHistoryList.js';

const at = Date.UTC(2026, 10, 25, 9, 30);
const entries: CallHistoryEntry[] = [
  {
    inviteID: 'i3',
    roomID: 'r3',
    peer: 'carol',
    direction: 'incoming',
    callType: 2,
    outcome: 'missed',
    startedAt: at,
  },
  {
    inviteID: 'i2',
    roomID: 'r2',
    peer: 'bob',
    direction: 'outgoing',
    callType: 2,
    outcome: 'completed',
    startedAt: at - 3600_000,
    durationSeconds: 125,
    endedBy: 'bob',
  },
  {
    inviteID: 'i1',
    roomID: 'r1',
    peer: 'dan',
    direction: 'outgoing',
    callType: 1,
    outcome: 'busy',
    startedAt: at - 7200_000,
  },
];

const meta = {
  title: 'Calls/CallHistoryList',
  component: CallHistoryList,
  render: (args, { parameters }) => (
    <LiveHub viewer="alice" history={parameters.entries}>
      <CallHistoryList {...args} />
    </LiveHub>
  ),
  parameters: { entries },
} satisfies Meta<typeof CallHistoryList>;

export default meta;
type Story = StoryObj<typeof meta>;

export const ThreeCalls: Story = {
  play: async ({ canvasElement }) => {
    const list = await within(canvasElement).findAllByRole('listitem');
    await expect(list).toHaveLength(3);
    await expect(list[1]?.textContent).toContain('2 minutes, 5 seconds');
  },
};

export const Empty: Story = {
  parameters: { entries: [] },
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByText('No calls yet');
  },
};

export const Japanese: Story = { globals: { locale: 'ja' } };
