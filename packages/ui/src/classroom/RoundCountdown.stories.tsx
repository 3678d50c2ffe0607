import { createClassroomData } from '@beckon/signaling';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { LiveHub } from '../stories/LiveHub.js';
import { RoundCountdown } from './RoundCountdown.js';

const G = 'class-1';

const meta = {
  title: 'Classroom/RoundCountdown',
  component: RoundCountdown,
  tags: ['autodocs'],
  args: { groupID: G },
  parameters: { seconds: 90 },
  render: (args, { parameters }) => (
    <LiveHub
      viewer="amy"
      classroom={['teacher', 'amy']}
      script={async (live) => {
        await live
          .user('teacher')
          .inviteInGroup(G, ['amy'], createClassroomData('raiseHand'), { timeout: parameters.seconds });
      }}
    >
      <RoundCountdown {...args} />
    </LiveHub>
  ),
} satisfies Meta<typeof RoundCountdown>;

export default meta;
type Story = StoryObj<typeof meta>;

/** A 90-second round, as a student sees it. */
export const Counting: Story = {
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('timer')).toHaveTextContent(
      /^Round ends in 1:[23]\d$/,
    );
  },
};

/** The last seconds: `data-urgent`, in the urgent color. */
export const Urgent: Story = {
  parameters: { seconds: 9 },
  play: async ({ canvasElement }) => {
    await expect(await within(canvasElement).findByRole('timer')).toHaveAttribute('data-urgent');
  },
};

/** A round until closed has no countdown: nothing renders (the unit tests check it). */
export const UntilClosed: Story = { parameters: { seconds: 0 } };

export const Chinese: Story = { globals: { locale: 'zh-CN' } };
