import { CallType, createCallData } from '@beckon/signaling';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { type Live, LiveHub } from '../stories/LiveHub.js';
import { IncomingCallDialog } from './IncomingCallDialog.js';

/** Alice calls the viewer, bob. */
const call =
  (callType: CallType, timeout = 30) =>
  (live: Live) =>
    void live.user('alice').invite('bob', createCallData({ callType, roomID: 'story-room' }), { timeout });

const meta = {
  title: 'Calls/IncomingCallDialog',
  component: IncomingCallDialog,
  args: { ringtone: false, notifications: false },
  render: (args, { parameters }) => (
    <LiveHub viewer="bob" script={parameters.script}>
      <IncomingCallDialog {...args} />
    </LiveHub>
  ),
  parameters: { script: call(CallType.VIDEO) },
} satisfies Meta<typeof IncomingCallDialog>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Ringing: Story = {
  play: async ({ canvasElement }) => {
    const screen = within(canvasElement.ownerDocument.body);
    const dialog = await screen.findByRole('alertdialog', { name: 'alice is video calling you' });
    const accept = within(dialog).getByRole('button', { name: 'Accept' });
    await waitFor(() => expect(accept).toHaveFocus());
    await userEvent.click(accept);
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  },
};

export const AudioCall: Story = {
  parameters: { script: call(CallType.AUDIO) },
  play: async ({ canvasElement }) => {
    const screen = within(canvasElement.ownerDocument.body);
    await screen.findByRole('alertdialog', { name: 'alice is calling you' });
  },
};

export const CountdownAlmostOver: Story = {
  parameters: { script: call(CallType.VIDEO, 4) },
  play: async ({ canvasElement }) => {
    const screen = within(canvasElement.ownerDocument.body);
    const dialog = await screen.findByRole('alertdialog');
    await waitFor(() => expect(within(dialog).getByText(/[1-4] seconds? left/)).toBeTruthy());
  },
};

export const EscapeDeclines: Story = {
  play: async ({ canvasElement }) => {
    const screen = within(canvasElement.ownerDocument.body);
    await screen.findByRole('alertdialog');
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  },
};

export const DarkTheme: Story = { globals: { theme: 'dark' } };
export const SimplifiedChinese: Story = {
  globals: { locale: 'zh-CN' },
  play: async ({ canvasElement }) => {
    await within(canvasElement.ownerDocument.body).findByRole('alertdialog', {
      name: 'alice 邀请你视频通话',
    });
  },
};
export const Japanese: Story = {
  globals: { locale: 'ja' },
  play: async ({ canvasElement }) => {
    await within(canvasElement.ownerDocument.body).findByRole('alertdialog', {
      name: 'alice さんからビデオ通話',
    });
  },
};

/**
 * Real Chromium keeps audio suspended until the page gets a user gesture: the dialog says so
 * and offers the button that starts the ringtone (headless CI has no audio device to start).
 */
export const RingtoneBlocked: Story = {
  args: { ringtone: true },
  play: async ({ canvasElement }) => {
    const screen = within(canvasElement.ownerDocument.body);
    const dialog = await screen.findByRole('alertdialog');
    await within(dialog).findByText(/The browser blocked the ringtone/, {}, { timeout: 3000 });
    await expect(within(dialog).getByRole('button', { name: 'Enable ringtone' })).toBeEnabled();
  },
};

/** A group call: who else is invited (two past the first three are “+2”), and the group's name. */
export const GroupInvitation: Story = {
  args: { others: ['carol', 'dave', 'erin', 'frank', 'grace'], groupName: 'Design team' },
  play: async ({ canvasElement }) => {
    const screen = within(canvasElement.ownerDocument.body);
    const dialog = await screen.findByRole('alertdialog', {
      name: 'alice is video calling you and 5 others',
    });
    await expect(
      within(dialog)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['carol,', 'dave,', 'erin,', '+2']);
    // The description reads the chips as a list (a block around each hidden comma adds a space).
    await expect(dialog).toHaveAccessibleDescription(/^carol ?, dave ?, erin ?, \+2 Incoming call/);
    // Visible once the dialog's entrance animation has run.
    await waitFor(() => expect(within(dialog).getByText('Design team')).toBeVisible());
  },
};

export const GroupInvitationOnAPhone: Story = {
  ...GroupInvitation,
  globals: { viewport: { value: 'phone', isRotated: false } },
};

/** An audio group call with one other invitee, in Japanese. */
export const GroupInvitationJapanese: Story = {
  parameters: { script: call(CallType.AUDIO) },
  args: { others: ['carol'] },
  globals: { locale: 'ja' },
  play: async ({ canvasElement }) => {
    await within(canvasElement.ownerDocument.body).findByRole('alertdialog', {
      name: 'alice さんから、あなたとほか 1 人への音声通話',
    });
  },
};
