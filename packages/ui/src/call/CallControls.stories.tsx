import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import { LiveHub } from '../stories/LiveHub.js';
import { CallControls } from './CallControls.js';

const meta = {
  title: 'Calls/CallControls',
  component: CallControls,
  args: { onMicrophoneChange: fn(), onCameraChange: fn(), onHangUp: fn(), onSwitchToAudio: fn() },
  render: (args) => (
    <LiveHub viewer="alice">
      <div className="beckon-callstage" data-fit="container" style={{ minHeight: 200, alignContent: 'end' }}>
        <CallControls {...args} />
      </div>
    </LiveHub>
  ),
} satisfies Meta<typeof CallControls>;

export default meta;
type Story = StoryObj<typeof meta>;

export const AllOn: Story = {
  play: async ({ canvasElement, args }) => {
    const bar = within(canvasElement).getByRole('toolbar', { name: 'Call controls' });
    const mic = within(bar).getByRole('button', { name: 'Microphone' });
    await userEvent.click(mic);
    await expect(mic).toHaveAttribute('aria-pressed', 'false');
    await expect(args.onMicrophoneChange).toHaveBeenCalledWith(false);
    await userEvent.keyboard('{ArrowRight}');
    await expect(within(bar).getByRole('button', { name: 'Camera' })).toHaveFocus();
    await userEvent.click(within(bar).getByRole('button', { name: 'Hang up' }));
    await expect(args.onHangUp).toHaveBeenCalled();
  },
};
export const MicrophoneAndCameraOff: Story = { args: { defaultMicrophoneOn: false, defaultCameraOn: false } };
export const AudioCall: Story = { args: { showCamera: false } };
export const WithDevices: Story = { args: { devices: <p>The device picker goes here.</p> } };
export const TooltipOnFocus: Story = {
  play: async ({ canvasElement }) => {
    await userEvent.tab();
    const tip = within(canvasElement).getByText(/^Turn off microphone \((Ctrl\+|⌘)D\)$/);
    await waitFor(() => expect(tip).toBeVisible());
  },
};
