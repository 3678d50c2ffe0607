// @vitest-environment happy-dom
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BeckonUIProvider } from '../i18n/I18nProvider.js';
import { axeViolations, createWorld, flush, type World } from '../test/world.js';
import { ClassJoinCode } from './ClassJoinCode.js';
import { ClassroomToolbar } from './ClassroomToolbar.js';
import { HandRaisePrompt } from './HandRaisePrompt.js';
import { HandRaiseQueue } from './HandRaiseQueue.js';

let world: World | undefined;
afterEach(() => {
  world?.close();
  world = undefined;
});

const G = 'class-1';
// Two users' pages share this document here, so two <main> landmarks are expected.
const shared = ['landmark-no-duplicate-main', 'landmark-unique'];

function classroom(students: string[]) {
  const w = createWorld();
  world = w;
  w.hub.setGroup(G, ['teacher', ...students]);
  w.renderAs(
    'teacher',
    <main data-testid="teacher">
      <ClassroomToolbar groupID={G} students={students} />
      <HandRaiseQueue groupID={G} />
    </main>,
  );
  const pages = students.map((s) =>
    w.renderAs(
      s,
      <main data-testid={s}>
        <HandRaisePrompt groupID={G} />
      </main>,
    ),
  );
  return { w, pages, page: (id: string) => within(screen.getByTestId(id)) };
}

describe('classroom states', () => {
  it('a student invited to speak shows as invited and waiting until they answer; the teacher can withdraw', async () => {
    const { page, pages } = classroom(['s1', 's2']);
    await flush();
    const teacher = page('teacher');
    await userEvent.click(teacher.getByRole('button', { name: 'Ask to raise hands' }));
    await flush();
    for (const s of ['s1', 's2']) await userEvent.click(page(s).getByRole('button', { name: 'Raise hand' }));
    await flush();
    await userEvent.click(teacher.getByRole('button', { name: 'Invite s1 to speak' }));
    await flush();

    const row = (name: string) => teacher.getByText(name, { selector: '.beckon-name' }).closest('li');
    expect(row('s1')?.getAttribute('data-state')).toBe('invitedToSpeak');
    expect(within(row('s1') as HTMLElement).getByText('Invited, waiting')).toBeTruthy();
    expect(teacher.queryByRole('button', { name: 'Invite s1 to speak' })).toBeNull();
    expect(row('s2')?.getAttribute('data-state')).toBe('raised');
    expect(teacher.getByText('2 hands raised')).toBeTruthy();
    expect(await axeViolations(screen.getByTestId('teacher'), shared)).toEqual([]);

    // s1's hand is lowered before s1 answers: still listed, after the queue, without "Lower".
    await userEvent.click(teacher.getByRole('button', { name: 'Lower s1’s hand' }));
    await flush();
    expect(teacher.getByText('1 hand raised')).toBeTruthy();
    const rows = teacher.getAllByRole('listitem');
    expect(rows.map((r) => r.querySelector('.beckon-name')?.textContent)).toEqual(['s2', 's1']);
    expect(rows[1]?.getAttribute('data-state')).toBe('invitedToSpeak');
    expect(teacher.queryByRole('button', { name: 'Lower s1’s hand' })).toBeNull();

    // Withdrawn: the row goes, and s1 is no longer asked.
    expect(page('s1').getByRole('alert')).toBeTruthy();
    await userEvent.click(teacher.getByRole('button', { name: 'Withdraw s1’s invitation' }));
    await flush();
    expect(teacher.getAllByRole('listitem').map((r) => r.getAttribute('data-state'))).toEqual(['raised']);
    expect(page('s1').queryByRole('alert')).toBeNull();
    expect(pages[0]?.client.invitations.size).toBeGreaterThan(0);
  });

  it('a timed round counts down on the server clock for teacher and student, also after every student answered', async () => {
    const { w, page } = classroom(['s1']);
    await flush();
    const teacher = page('teacher');
    expect(teacher.queryByRole('timer')).toBeNull();
    await userEvent.selectOptions(teacher.getByLabelText('Round length'), '60');
    await userEvent.click(teacher.getByRole('button', { name: 'Ask to raise hands' }));
    await flush();
    expect(teacher.getByRole('timer').textContent).toBe('Round ends in 1:00');
    expect(page('s1').getByRole('timer').textContent).toBe('Round ends in 1:00');
    await w.advance(15_000);
    expect(teacher.getByRole('timer').textContent).toBe('Round ends in 0:45');
    expect(teacher.getByRole('timer').hasAttribute('data-urgent')).toBe(false);
    // s1 answers, so the round's invitation ends (the seed's rule); the hand keeps the deadline.
    await userEvent.click(page('s1').getByRole('button', { name: 'Raise hand' }));
    await flush();
    await w.advance(37_000);
    expect(teacher.getByRole('timer').textContent).toBe('Round ends in 0:08');
    expect(teacher.getByRole('timer').hasAttribute('data-urgent')).toBe(true);
    expect(page('s1').getByRole('timer').textContent).toBe('Round ends in 0:08');
    expect(await axeViolations(screen.getByTestId('teacher'), shared)).toEqual([]);
  });

  it('a round until closed shows no countdown', async () => {
    const { page } = classroom(['s1']);
    await flush();
    await userEvent.click(page('teacher').getByRole('button', { name: 'Ask to raise hands' }));
    await flush();
    expect(page('teacher').getByRole('button', { name: 'Close the round' })).toBeTruthy();
    expect(screen.queryByRole('timer')).toBeNull();
  });

  it('the join code copies the code and the link, and says when the browser refuses', async () => {
    const copy = vi.fn(async (_text: string) => {});
    const { rerender } = render(
      <BeckonUIProvider>
        <main>
          <ClassJoinCode code="ABC123" link="https://x.test/?join=ABC123" copy={copy} />
        </main>
      </BeckonUIProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Copy code' }));
    expect(copy).toHaveBeenLastCalledWith('ABC123');
    expect((await screen.findByRole('status')).textContent).toBe('Copied');
    await userEvent.click(screen.getByRole('button', { name: 'Copy join link' }));
    expect(copy).toHaveBeenLastCalledWith('https://x.test/?join=ABC123');
    expect(await axeViolations(document.body)).toEqual([]);

    const refuse = vi.fn(async () => Promise.reject(new Error('NotAllowedError')));
    rerender(
      <BeckonUIProvider>
        <main>
          <ClassJoinCode code="ABC123" copy={refuse} />
        </main>
      </BeckonUIProvider>,
    );
    expect(screen.queryByRole('button', { name: 'Copy join link' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Copy code' }));
    await vi.waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe('Could not copy: select the text and copy it'),
    );
  });
});
