import { CallType } from '@beckon/signaling';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { AutoDial } from '../stories/AutoDial.js';
import { FakeVideo } from '../stories/FakeVideo.js';
import { type Live, LiveHub } from '../stories/LiveHub.js';
import { CallStage } from './CallStage.js';

/** What bob does when alice's call rings. */
const bobAccepts = (live: Live) => {
  const bob = live.user('bob');
  bob.on('onReceiveNewInvitation', (e) => void bob.accept(e.inviteID));
};

const meta = {
  title: 'Calls/CallStage',
  component: CallStage,
  args: {
    fit: 'container',
    incoming: false,
    ringback: false,
    remoteMedia: <FakeVideo who="bob" />,
    localMedia: <FakeVideo who="alice" hue={20} />,
  },
  render: (args, { parameters }) => (
    <LiveHub viewer="alice" script={parameters.script}>
      <AutoDial
        peer="bob"
        callType={parameters.callType ?? CallType.VIDEO}
        mediaJoins={parameters.mediaJoins ?? false}
      />
      <div style={{ height: 'calc(100dvh - 32px)' }}>
        <CallStage {...args} />
      </div>
    </LiveHub>
  ),
  parameters: { script: undefined },
} satisfies Meta<typeof CallStage>;

export default meta;
type Story = StoryObj<typeof meta>;

const inCall = { script: bobAccepts, mediaJoins: true };
const phone = { viewport: { value: 'phone', isRotated: false } };

/** Alice calls bob: his avatar, “Calling bob…”, and Cancel in the bar. */
export const Dialing: Story = {
  play: async ({ canvasElement }) => {
    const stage = await within(canvasElement).findByRole('region', { name: 'Calling bob…' });
    await expect(within(stage).getByRole('status')).toHaveTextContent('Calling bob…');
    await waitFor(() => expect(within(stage).getByRole('button', { name: 'Microphone' })).toHaveFocus());
    await expect(within(stage).getByRole('button', { name: 'Cancel' })).toBeVisible();
  },
};

export const DialingOnAPhone: Story = { globals: phone };

/** Bob accepted; the media are connecting. */
export const Connecting: Story = {
  parameters: { script: bobAccepts },
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByRole('region', { name: 'Connecting to bob…' });
  },
};

/** In a video call: bob large, alice's own view mirrored in a corner, the timer, the bar. */
export const InCall: Story = {
  parameters: inCall,
  play: async ({ canvasElement }) => {
    const stage = await within(canvasElement).findByRole('region', { name: 'In call with bob' });
    await within(stage).findByRole('timer');
    const own = within(stage).getByRole('group', { name: 'Your video' });
    await expect(own).toHaveAttribute('data-corner', 'bottom-right');
    own.focus();
    await userEvent.keyboard('{ArrowUp}{ArrowLeft}');
    await expect(own).toHaveAttribute('data-corner', 'top-left');
    await within(stage).findByText('Your video is now at the top left');
  },
};

export const InCallOnAPhone: Story = { parameters: inCall, globals: phone };
export const InCallPhoneLandscape: Story = {
  parameters: inCall,
  globals: { viewport: { value: 'phoneLandscape', isRotated: false } },
};

/** Bob's camera is off and he is muted: his avatar, not a frozen frame, and the muted mark. */
export const RemoteCameraOffAndMuted: Story = {
  parameters: inCall,
  args: { remote: { cameraOff: true, muted: true } },
  play: async ({ canvasElement }) => {
    const stage = await within(canvasElement).findByRole('region', { name: 'In call with bob' });
    const tile = stage.querySelector('.beckon-tile-remote');
    await expect(tile).toHaveAttribute('data-camera', 'off');
    await expect(tile).toHaveTextContent('bob, muted, camera off');
  },
};

/** The app's picture of bob instead of his initials. */
export const RemoteCameraOffWithPicture: Story = {
  parameters: inCall,
  args: {
    remote: {
      cameraOff: true,
      avatarUrl: `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#7b4fa0"/><circle cx="5" cy="4" r="2" fill="#fff"/></svg>')}`,
    },
  },
};

/** Alice turned her camera off: her avatar in the corner instead of a black box. */
export const OwnCameraOff: Story = {
  parameters: inCall,
  args: { local: { cameraOff: true }, controls: { defaultCameraOn: false } },
};

/** An audio call: two avatars, bob speaking (the ring), alice muted. */
export const AudioCall: Story = {
  parameters: { ...inCall, callType: CallType.AUDIO },
  args: { remote: { speaking: true }, local: { muted: true }, controls: { defaultMicrophoneOn: false } },
  play: async ({ canvasElement }) => {
    const stage = await within(canvasElement).findByRole('region', { name: 'In call with bob' });
    await expect(within(stage).queryByRole('button', { name: 'Camera' })).toBeNull();
    await expect(stage.querySelector('.beckon-tile-remote')).toHaveTextContent('bob, speaking');
  },
};

export const AudioCallOnAPhone: Story = { ...AudioCall, globals: phone };

/** Meet's shortcuts: Ctrl+D and Ctrl+E toggle microphone and camera, and say so. */
export const KeyboardShortcuts: Story = {
  parameters: inCall,
  play: async ({ canvasElement }) => {
    const stage = await within(canvasElement).findByRole('region', { name: 'In call with bob' });
    const mic = within(stage).getByRole('button', { name: 'Microphone' });
    await expect(mic).toHaveAttribute('aria-keyshortcuts', expect.stringMatching(/\+D$/));
    await userEvent.keyboard('{Control>}d{/Control}');
    await expect(mic).toHaveAttribute('aria-pressed', 'false');
    await within(stage).findByText('Microphone off');
    await userEvent.keyboard('{Control>}e{/Control}');
    await expect(within(stage).getByRole('button', { name: 'Camera' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    await within(stage).findByText('Camera off');
  },
};

/** The Devices button opens the picker the app gives (`@beckon/media`'s, say). */
export const WithDevices: Story = {
  parameters: inCall,
  args: {
    devices: (
      <label>
        Camera{' '}
        <select>
          <option>Front camera</option>
        </select>
      </label>
    ),
  },
  play: async ({ canvasElement }) => {
    const stage = await within(canvasElement).findByRole('region', { name: 'In call with bob' });
    const button = within(stage).getByRole('button', { name: 'Devices' });
    await userEvent.click(button);
    await expect(button).toHaveAttribute('aria-expanded', 'true');
    await expect(within(stage).getByRole('region', { name: 'Devices' })).toBeVisible();
    await userEvent.keyboard('{Escape}');
  },
};

/** Hang up: the summary, with focus on Close. */
export const Ended: Story = {
  parameters: inCall,
  play: async ({ canvasElement }) => {
    const stage = await within(canvasElement).findByRole('region', { name: 'In call with bob' });
    await userEvent.click(within(stage).getByRole('button', { name: 'Hang up' }));
    const close = await within(canvasElement).findByRole('button', { name: 'Close' });
    await waitFor(() => expect(close).toHaveFocus());
    await expect(within(canvasElement).getByRole('status')).toHaveTextContent(/^You hung up after/);
  },
};

export const DarkTheme: Story = { parameters: inCall, globals: { theme: 'dark' } };
export const Japanese: Story = { parameters: inCall, globals: { locale: 'ja' } };

/**
 * The caller hears a ring-back tone while bob's phone rings. Headless Chromium keeps audio
 * suspended without a user gesture, so the stage says so and offers the button that starts it.
 */
export const RingbackBlocked: Story = {
  args: { ringback: true },
  play: async ({ canvasElement }) => {
    const stage = await within(canvasElement).findByRole('region', { name: 'Calling bob…' });
    await within(stage).findByText(/The browser blocked the ringing sound/, {}, { timeout: 3000 });
    await expect(within(stage).getByRole('button', { name: 'Enable sound' })).toBeEnabled();
  },
};

/** The narrowest phone we support (360 px) with all five controls. */
export const SmallPhoneWithDevices: Story = {
  parameters: inCall,
  args: WithDevices.args ?? {},
  globals: { viewport: { value: 'small', isRotated: false } },
};
