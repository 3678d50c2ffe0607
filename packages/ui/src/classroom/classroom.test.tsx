// @vitest-environment happy-dom
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { axeViolations, createWorld, flush, type World } from '../test/world.js';
import { ClassroomToolbar } from './ClassroomToolbar.js';
import { HandRaisePrompt } from './HandRaisePrompt.js';
import { HandRaiseQueue } from './HandRaiseQueue.js';
import { SpeakerList } from './SpeakerList.js';

let world: World;
afterEach(() => world?.close());

const G = 'class-1';

function classroom(students: string[]) {
  world = createWorld();
  world.hub.setGroup(G, ['teacher', ...students]);
  const teacher = world.renderAs(
    'teacher',
    <main data-testid="teacher">
      <ClassroomToolbar groupID={G} students={students} />
      <HandRaiseQueue groupID={G} />
      <SpeakerList groupID={G} />
    </main>,
  );
  return teacher;
}

describe('classroom components', () => {
  it('teacher opens a round; a student raises a hand with the keyboard; the teacher invites them to speak', async () => {
    classroom(['s1', 's2']);
    const student = world.renderAs(
      's1',
      <main data-testid="s1">
        <HandRaisePrompt groupID={G} />
        <SpeakerList groupID={G} />
      </main>,
    );
    await flush();
    const teacher = within(screen.getByTestId('teacher'));
    const s1 = within(screen.getByTestId('s1'));
    expect(teacher.getByText('No hands raised')).toBeTruthy();

    await userEvent.selectOptions(teacher.getByLabelText('Round length'), '60');
    await userEvent.click(teacher.getByRole('button', { name: 'Ask to raise hands' }));
    await flush();
    expect(s1.getByText('teacher asks you to raise your hand')).toBeTruthy();

    const raise = s1.getByRole('button', { name: 'Raise hand' });
    raise.focus();
    await userEvent.keyboard('{Enter}');
    await flush();
    expect(s1.getByRole('button', { name: 'Lower hand' }).getAttribute('aria-pressed')).toBe('true');
    expect(s1.getByText('Your hand is raised')).toBeTruthy();
    expect(teacher.getByText('1 hand raised')).toBeTruthy();
    // Two users' pages share this document here, so two <main> landmarks are expected.
    const shared = ['landmark-no-duplicate-main', 'landmark-unique'];
    expect(await axeViolations(screen.getByTestId('teacher'), shared)).toEqual([]);
    expect(await axeViolations(screen.getByTestId('s1'), shared)).toEqual([]);

    await userEvent.click(teacher.getByRole('button', { name: 'Invite s1 to speak' }));
    await flush();
    const prompt = s1.getByRole('alert');
    expect(prompt.textContent).toContain('teacher invites you to speak');
    await userEvent.click(within(prompt).getByRole('button', { name: 'Speak' }));
    await flush();
    expect(s1.getByText('You are speaking')).toBeTruthy();
    expect(teacher.getByRole('button', { name: 'Stop s1 speaking' })).toBeTruthy();
    expect(s1.queryByRole('button', { name: 'Stop s1 speaking' })).toBeNull();

    await userEvent.click(teacher.getByRole('button', { name: 'Stop s1 speaking' }));
    await flush();
    expect(teacher.getByText('Nobody is speaking')).toBeTruthy();
    await userEvent.click(teacher.getByRole('button', { name: 'Close the round' }));
    await flush();
    expect(s1.queryByRole('button', { name: /hand/ })).toBeNull();
    expect(student.client.invitations.size).toBe(0);
  });

  it('the queue of 1,000 hands is virtualized: few rows in the DOM, in server order', async () => {
    const students = Array.from({ length: 1000 }, (_, i) => `s${i}`);
    const teacher = classroom(students);
    const roundID = await act(() =>
      teacher.client.inviteInGroup(G, students, '{"businessID":"beckon_classroom","op":"raiseHand"}', {
        timeout: 0,
      }),
    );
    // 1,000 hand markers as students' clients would create them, sent to the arbiter directly:
    // only the teacher's client is connected, so the set-up grows with the class, not its square.
    const data = JSON.stringify({ businessID: 'beckon_classroom', op: 'hand', roundID });
    const command = { op: 'invite', groupID: G, inviteeList: ['teacher'], data, timeout: 0 } as const;
    const replies = await act(() =>
      // In order: the arbiter serializes them, so s0 is first in the queue, then s1...
      Promise.all(
        students.map((s) => world.hub.dispatch(s, `${s}#1`, { ...command, onlineUserOnly: false })),
      ),
    );
    expect(replies.every((r) => r.ok)).toBe(true);
    await waitFor(() => expect(screen.getByText('1,000 hands raised')).toBeTruthy(), { timeout: 60_000 });
    const rows = screen.getAllByRole('listitem').filter((li) => li.classList.contains('beckon-row'));
    expect(rows.length).toBeLessThan(20);
    expect(rows[0]?.getAttribute('aria-setsize')).toBe('1000');
    expect(rows[0]?.textContent).toContain('s0');
    expect(rows[1]?.textContent).toContain('s1');
  }, 120_000);
});
