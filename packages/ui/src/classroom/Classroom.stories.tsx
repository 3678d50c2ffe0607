import { createClassroomData } from '@beckon/signaling';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { type Live, LiveHub } from '../stories/LiveHub.js';
import { ClassroomToolbar } from './ClassroomToolbar.js';
import { HandRaisePrompt } from './HandRaisePrompt.js';
import { HandRaiseQueue } from './HandRaiseQueue.js';
import { SpeakerList } from './SpeakerList.js';

const G = 'class-1';
const FEW = ['amy', 'ben', 'cai'];
const MANY = Array.from({ length: 1000 }, (_, i) => `student-${String(i + 1).padStart(4, '0')}`);

/** The teacher opens a round (as the viewer or as another user) and `hands` raise theirs, in order. */
function round(
  hands: readonly string[],
  options: { teacherIsViewer: boolean; speak?: string; invite?: string; timeout?: number },
) {
  return async (live: Live) => {
    const teacher = options.teacherIsViewer ? live.viewer : live.user('teacher');
    const students = live.hub.groupMembers(G) ?? new Set<string>();
    const roundID = await teacher.inviteInGroup(
      G,
      [...students].filter((s) => s !== 'teacher'),
      createClassroomData('raiseHand'),
      { timeout: options.timeout ?? 0 },
    );
    for (const student of hands) {
      // Markers straight through the hub: a thousand connected clients would be the slow part here.
      await live.hub.dispatch(student, `${student}-tab`, {
        op: 'invite',
        groupID: G,
        inviteeList: ['teacher'],
        data: createClassroomData('hand', roundID),
        timeout: 0,
        onlineUserOnly: false,
      });
    }
    if (options.invite)
      await teacher.inviteInGroup(G, [options.invite], createClassroomData('speak', roundID));
    if (options.speak) {
      const speaker = live.user(options.speak);
      await teacher.inviteInGroup(G, [options.speak], createClassroomData('speak', roundID));
      await new Promise((r) => setTimeout(r, 20));
      const invitation = [...speaker.invitations.values()].find((r) => r.data.includes('"speak"'));
      if (invitation) await speaker.accept(invitation.inviteID);
      await speaker.inviteInGroup(G, ['teacher'], createClassroomData('speaking', roundID), { timeout: 0 });
    }
  };
}

const meta = {
  title: 'Classroom/Teacher and student',
  render: (_, { parameters }) => (
    <LiveHub
      viewer={parameters.viewer ?? 'teacher'}
      classroom={['teacher', ...parameters.students]}
      script={parameters.script}
    >
      {parameters.viewer && parameters.viewer !== 'teacher' ? (
        <>
          <HandRaisePrompt groupID={G} />
          <SpeakerList groupID={G} />
        </>
      ) : (
        <>
          <ClassroomToolbar groupID={G} students={parameters.students} />
          <HandRaiseQueue groupID={G} />
          <SpeakerList groupID={G} />
        </>
      )}
    </LiveHub>
  ),
  parameters: { students: FEW },
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

export const QueueEmpty: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByText('No hands raised');
    await userEvent.click(canvas.getByRole('button', { name: 'Ask to raise hands' }));
    await canvas.findByRole('button', { name: 'Close the round' });
  },
};

export const ThreeHands: Story = {
  parameters: { script: round(['ben', 'amy', 'cai'], { teacherIsViewer: true }) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByText('3 hands raised');
    const rows = canvas.getAllByRole('listitem');
    await expect(rows.map((r) => r.querySelector('.beckon-name')?.textContent)).toEqual([
      'ben',
      'amy',
      'cai',
    ]);
    await userEvent.click(canvas.getByRole('button', { name: 'Invite amy to speak' }));
    await userEvent.click(canvas.getByRole('button', { name: 'Lower ben’s hand' }));
    await canvas.findByText('2 hands raised');
  },
};

export const ThousandHands: Story = {
  parameters: { students: MANY, script: round(MANY, { teacherIsViewer: true }) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    // Waits for the condition, with room for a loaded machine: speed belongs in `pnpm bench`.
    await canvas.findByText('1,000 hands raised', {}, { timeout: 45_000 });
    // Virtualized: only the visible rows (and a few more) are in the DOM.
    await expect(canvas.getAllByRole('listitem').length).toBeLessThan(30);
    // Scrolled to the end (as End does on the focused list), the rows in view follow, numbered for
    // screen readers; the first rows leave the DOM.
    const scroll = canvasElement.querySelector<HTMLElement>('.beckon-scroll');
    if (scroll === null) throw new Error('no scroll area');
    await expect(scroll.tabIndex).toBe(0);
    scroll.scrollTop = scroll.scrollHeight;
    await waitFor(() => expect(canvasElement.querySelector('[aria-posinset="1000"]')).not.toBeNull(), {
      timeout: 10_000,
    });
    await expect(canvasElement.querySelector('[aria-posinset="1"]')).toBeNull();
    await expect(canvas.getAllByRole('listitem').length).toBeLessThan(30);
    scroll.scrollTop = 0;
    await waitFor(() => expect(canvasElement.querySelector('[aria-posinset="1"]')).not.toBeNull(), {
      timeout: 10_000,
    });
    await userEvent.click(canvas.getByRole('button', { name: 'Lower all hands' }));
    await canvas.findByText('No hands raised', {}, { timeout: 45_000 });
  },
};

export const WithSpeaker: Story = {
  parameters: { script: round(['amy'], { teacherIsViewer: true, speak: 'ben' }) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const revoke = await canvas.findByRole('button', { name: 'Stop ben speaking' });
    await userEvent.click(revoke);
    await canvas.findByText('Nobody is speaking');
  },
};

export const StudentRoundOpen: Story = {
  parameters: { viewer: 'amy', script: round([], { teacherIsViewer: false }) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const raise = await canvas.findByRole('button', { name: 'Raise hand' });
    raise.focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() =>
      expect(canvas.getByRole('button', { name: 'Lower hand' })).toHaveAttribute('aria-pressed', 'true'),
    );
  },
};

export const StudentInvitedToSpeak: Story = {
  parameters: { viewer: 'amy', script: round(['amy'], { teacherIsViewer: false, invite: 'amy' }) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const alert = await canvas.findByRole('alert');
    await userEvent.click(within(alert).getByRole('button', { name: 'Speak' }));
    await canvas.findByText('You are speaking');
  },
};

export const StudentDarkJapanese: Story = {
  globals: { theme: 'dark', locale: 'ja' },
  parameters: { viewer: 'amy', script: round([], { teacherIsViewer: false }) },
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByRole('button', { name: '手を挙げる' });
  },
};

export const TeacherChinese: Story = {
  globals: { locale: 'zh-CN' },
  parameters: { script: round(['ben', 'amy'], { teacherIsViewer: true }) },
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByText('2 人举手');
  },
};

const phone = { viewport: { value: 'phone', isRotated: false } };

/** A student invited to speak who has not answered: the row says so and offers to withdraw. */
export const InvitedAndWaiting: Story = {
  parameters: { script: round(['ben', 'amy'], { teacherIsViewer: true, invite: 'amy' }) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const withdraw = await canvas.findByRole('button', { name: 'Withdraw amy’s invitation' });
    await expect(canvas.getByText('Invited, waiting')).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Invite ben to speak' })).toBeEnabled();
    await userEvent.click(withdraw);
    await canvas.findByRole('button', { name: 'Invite amy to speak' });
  },
};

/** The same, on a phone: each row's actions wrap under the name. */
export const InvitedAndWaitingOnAPhone: Story = {
  ...InvitedAndWaiting,
  globals: phone,
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByRole('button', { name: 'Withdraw amy’s invitation' });
  },
};

/** A timed round: the teacher's toolbar counts down on the server's clock. */
export const TimedRound: Story = {
  parameters: { script: round(['ben'], { teacherIsViewer: true, timeout: 90 }) },
  play: async ({ canvasElement }) => {
    const timer = await within(canvasElement).findByRole('timer');
    await expect(timer).toHaveTextContent(/^Round ends in 1:[23]\d$/);
  },
};

/** The student's side of a timed round, on a phone. */
export const StudentTimedRoundOnAPhone: Story = {
  globals: phone,
  parameters: { viewer: 'amy', script: round([], { teacherIsViewer: false, timeout: 45 }) },
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await canvas.findByRole('button', { name: 'Raise hand' });
    await expect(await canvas.findByRole('timer')).toHaveTextContent(/^Round ends in 0:[34]\d$/);
  },
};

/** The last ten seconds: the countdown turns urgent. */
export const RoundEndingSoon: Story = {
  parameters: { viewer: 'amy', script: round([], { teacherIsViewer: false, timeout: 8 }) },
  play: async ({ canvasElement }) => {
    const timer = await within(canvasElement).findByRole('timer');
    await expect(timer).toHaveAttribute('data-urgent');
  },
};
