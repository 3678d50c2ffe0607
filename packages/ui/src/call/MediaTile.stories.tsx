import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { MediaTile } from './MediaTile.js';

/** Stands in for a playing video. */
function Frame() {
  return (
    <div
      role="img"
      aria-label="bob's camera"
      style={{ aspectRatio: '16 / 9', background: 'linear-gradient(135deg, #4b6cb7, #182848)' }}
    />
  );
}

const meta = {
  title: 'Calls/MediaTile',
  component: MediaTile,
  args: { name: 'Bob Stone', children: <Frame /> },
  decorators: [
    (Story) => (
      <div style={{ maxWidth: 480 }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof MediaTile>;

export default meta;
type Story = StoryObj<typeof meta>;

export const CameraOn: Story = {};

export const CameraOffInitials: Story = {
  args: { cameraOff: true },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('img', { name: 'Bob Stone, camera off' }).textContent).toBe(
      'BS',
    );
  },
};

export const CameraOffAvatar: Story = {
  args: {
    cameraOff: true,
    avatarUrl:
      'data:image/svg+xml,%3Csvg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"%3E%3Crect width="64" height="64" fill="%23d97706"/%3E%3Ccircle cx="32" cy="26" r="12" fill="%23fff"/%3E%3Crect x="12" y="42" width="40" height="22" rx="11" fill="%23fff"/%3E%3C/svg%3E',
  },
};

export const Muted: Story = {
  args: { muted: true },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('status').textContent).toBe('Bob Stone is muted');
  },
};

export const MutedCameraOff: Story = { args: { muted: true, cameraOff: true } };

export const Speaking: Story = { args: { speaking: true } };

export const ChineseName: Story = { args: { name: '王小明', cameraOff: true, muted: true } };
