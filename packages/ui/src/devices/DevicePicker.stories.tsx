import type { UseDevicesResult } from '@beckon/react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, userEvent, within } from 'storybook/test';
import { DevicePicker } from './DevicePicker.js';

/** A `useDevices()` result held in story state, so picking really changes the selects. */
function Picker({ initial }: { initial: Omit<UseDevicesResult, 'select' | 'requestPermission'> }) {
  const [state, setState] = useState(initial);
  const devices: UseDevicesResult = {
    ...state,
    select: (kind, id) => setState((s) => ({ ...s, selected: { ...s.selected, [kind]: id } })),
    requestPermission: async () => {
      setState((s) => ({ ...s, status: 'requesting' }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      setState((s) => ({ ...s, ...READY }));
    },
  };
  return (
    <div style={{ maxWidth: 420 }}>
      <DevicePicker devices={devices} preview={false} />
    </div>
  );
}

const READY = {
  status: 'ready',
  cameras: [
    { deviceId: 'cam-front', label: 'FaceTime HD Camera', groupId: '1' },
    { deviceId: 'cam-usb', label: 'USB Webcam (046d:085e)', groupId: '2' },
  ],
  microphones: [
    { deviceId: 'mic-built-in', label: 'MacBook Pro Microphone', groupId: '1' },
    { deviceId: 'mic-headset', label: 'Jabra Evolve2 65', groupId: '3' },
  ],
  speakers: [
    { deviceId: 'spk-built-in', label: 'MacBook Pro Speakers', groupId: '1' },
    { deviceId: 'spk-headset', label: 'Jabra Evolve2 65', groupId: '3' },
  ],
  selected: { camera: undefined, microphone: undefined, speaker: undefined },
  canSelectSpeaker: true,
  error: undefined,
} satisfies Omit<UseDevicesResult, 'select' | 'requestPermission'>;

const meta = {
  title: 'Devices/DevicePicker',
  component: Picker,
  args: { initial: READY },
} satisfies Meta<typeof Picker>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Ready: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const camera = canvas.getByLabelText('Camera') as HTMLSelectElement;
    await userEvent.selectOptions(camera, 'cam-usb');
    await expect(camera.value).toBe('cam-usb');
  },
};

export const AskForAccess: Story = {
  args: { initial: { ...READY, status: 'prompt', cameras: [], microphones: [], speakers: [] } },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.click(canvas.getByRole('button', { name: 'Allow camera and microphone' }));
    await expect(await canvas.findByLabelText('Camera')).toBeTruthy();
  },
};

export const WaitingForPermission: Story = {
  args: { initial: { ...READY, status: 'requesting', cameras: [], microphones: [], speakers: [] } },
};

export const Denied: Story = {
  args: {
    initial: {
      ...READY,
      status: 'denied',
      error: 'NotAllowedError: Permission denied',
      cameras: [],
      microphones: [],
      speakers: [],
    },
  },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('alert').textContent).toMatch(/blocked/);
  },
};

export const NoCamera: Story = {
  args: { initial: { ...READY, cameras: [] } },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('alert').textContent).toMatch(/No camera found/);
  },
};

export const NoDevices: Story = {
  args: { initial: { ...READY, cameras: [], microphones: [], speakers: [] } },
};

export const SpeakerNotSelectable: Story = {
  args: { initial: { ...READY, canSelectSpeaker: false } },
};

export const InsecurePage: Story = {
  args: { initial: { ...READY, status: 'unsupported', cameras: [], microphones: [], speakers: [] } },
};

export const Phone: Story = {
  globals: { viewport: { value: 'mobile1' } },
  parameters: { viewport: { defaultViewport: 'mobile1' } },
};
