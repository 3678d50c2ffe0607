import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect } from 'storybook/test';
import { FakeVideo } from '../stories/FakeVideo.js';
import { Avatar } from './Avatar.js';
import { ParticipantTile } from './ParticipantTile.js';
import { SelfView } from './SelfView.js';

const meta = {
  title: 'Calls/ParticipantTile',
  component: ParticipantTile,
  args: { name: 'Bob Smith', media: <FakeVideo who="Bob" /> },
  render: (args) => (
    <div className="beckon-callstage" data-fit="container" style={{ minHeight: 360, padding: 12 }}>
      <ParticipantTile {...args} />
    </div>
  ),
} satisfies Meta<typeof ParticipantTile>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Video: Story = {};
export const CameraOff: Story = {
  args: { cameraOff: true },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('.beckon-avatar')).toHaveTextContent('BS');
  },
};
export const Muted: Story = { args: { muted: true } };
export const Speaking: Story = { args: { speaking: true, cameraOff: true } };
export const Mirrored: Story = { args: { mirrored: true, name: 'You' } };

/** Avatars: initials on a tone of their own, the app's picture, or a generic person. */
export const Avatars: Story = {
  render: () => (
    <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', ['--beckon-avatar-size' as string]: '64px' }}>
      {['Ada Lovelace', 'bob', '王小明', 'さくら', 'grace.hopper@example.com', ''].map((name) => (
        <Avatar key={name} name={name} />
      ))}
    </div>
  ),
};

/** Your own view in a corner: drag it, or focus it and use the arrow keys. */
export const MovableSelfView: Story = {
  render: () => (
    <div className="beckon-callstage" data-fit="container" style={{ minHeight: 420 }}>
      <div className="beckon-stage-main">
        <ParticipantTile name="Bob" media={<FakeVideo who="Bob" />} />
        <SelfView>
          <ParticipantTile name="You" mirrored media={<FakeVideo who="you" hue={20} />} />
        </SelfView>
      </div>
    </div>
  ),
};
