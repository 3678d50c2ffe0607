// @vitest-environment happy-dom

import { StudentActions, selectClassroom } from '@beckon/signaling/classroom';
import { act, render } from '@testing-library/react';
import { memo } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useShallow } from 'zustand/react/shallow';
import { BeckonProvider } from './context.js';
import { createHubWorld, settle } from './test/setup.js';
import { useBeckonState } from './useBeckonState.js';
import { useStudentHand } from './useStudentHand.js';

const G = 'big-class';
const N = 1000;
const STUDENTS = Array.from({ length: N }, (_, i) => `s${i}`);
const renders = new Map<string, number>();
const count = (key: string) => renders.set(key, (renders.get(key) ?? 0) + 1);

const Row = memo(function Row({ userID }: { userID: string }) {
  const { state, position } = useStudentHand(G, userID);
  count(userID);
  return (
    <li data-state={state}>
      {userID} {position >= 0 ? position + 1 : ''}
    </li>
  );
});

function Queue() {
  const queue = useBeckonState(
    useShallow((s) => selectClassroom(s.invitations, G).queue.map((q) => q.userID)),
  );
  count('queue');
  return (
    <ol>
      {queue.map((id) => (
        <li key={id}>{id}</li>
      ))}
    </ol>
  );
}

function ClassList() {
  count('list');
  return (
    <>
      <Queue />
      <ul>
        {STUDENTS.map((id) => (
          <Row key={id} userID={id} />
        ))}
      </ul>
    </>
  );
}

let world: ReturnType<typeof createHubWorld>;
afterEach(() => world?.close());

describe('render counts in a 1,000-student classroom', () => {
  it('one student raising a hand re-renders only that row and the queue', async () => {
    world = createHubWorld();
    world.hub.setGroup(G, ['teacher', ...STUDENTS]);
    const teacher = world.client('teacher');
    teacher.connect();
    const viewer = world.client('observer-teacher-tab');
    world.hub.setGroup(G, ['teacher', 'observer-teacher-tab', ...STUDENTS]);
    const { container } = render(
      <BeckonProvider client={viewer}>
        <ClassList />
      </BeckonProvider>,
    );
    await settle();
    await act(() =>
      teacher.inviteInGroup(G, STUDENTS, '{"businessID":"beckon_classroom","op":"raiseHand"}', {
        timeout: 0,
      }),
    );
    expect(container.querySelectorAll('li[data-state="invited"]')).toHaveLength(N);

    const student = world.client('s421');
    student.connect();
    const read = () => selectClassroom(Object.fromEntries(student.invitations), G);
    renders.clear();
    await act(() => new StudentActions(student, G, read).raiseHand());
    await settle();

    expect(container.querySelector('li[data-state="raised"]')?.textContent).toBe('s421 1');
    expect(Object.fromEntries(renders)).toEqual({ s421: 1, queue: 1 });
  });
});
