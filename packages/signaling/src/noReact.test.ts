import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// If anything in the package imported React, this empty mock would break it.
vi.mock('react', () => ({}));

const here = new URL('.', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('@beckon/signaling is framework free', () => {
  it('imports nothing from React, react-dom or the DOM', () => {
    for (const file of sources(here)) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from ['"](react|react-dom)(\/[^'"]*)?['"]/);
      expect(text, file).not.toMatch(/\b(window|document|navigator|localStorage)\./);
    }
  });

  it('loads and works with React mocked away and no DOM globals', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const core = await import('./index.js');
    const { InMemoryHub } = await import('./hub.js');
    const hub = new InMemoryHub({ clock: new core.ManualClock() });
    const alice = new core.SignalingClient({ transport: hub.connect('alice') });
    const bob = new core.SignalingClient({ transport: hub.connect('bob') });
    alice.connect();
    bob.connect();
    const id = await alice.invite('bob', '', { timeout: 0 });
    expect(bob.getInvitation(id)?.inviter).toBe('alice');
  });

  it('runs the call flow and the classroom from Node, without React', async () => {
    const core = await import('./index.js');
    const { CallController } = await import('./call/index.js');
    const { StudentActions, TeacherActions, selectClassroom } = await import('./classroom/index.js');
    const { InMemoryHub } = await import('./hub.js');
    const hub = new InMemoryHub({ clock: new core.ManualClock() });
    hub.setGroup('class', ['teacher', 'ann']);
    const [teacher, ann] = ['teacher', 'ann'].map(
      (u) => new core.SignalingClient({ transport: hub.connect(u) }),
    );
    if (!teacher || !ann) throw new Error('clients');
    const calls = new CallController(ann);
    calls.start();
    teacher.connect();
    ann.connect();
    const view = (c: typeof ann) => () => selectClassroom(Object.fromEntries(c.invitations), 'class');
    await new TeacherActions(teacher, 'class', view(teacher)).openRound(['ann']);
    await new StudentActions(ann, 'class', view(ann)).raiseHand();
    expect(view(teacher)().queue.map((q) => q.userID)).toEqual(['ann']);
    await teacher.invite('ann', core.createCallData({ callType: core.CallType.AUDIO, roomID: 'r' }));
    expect(calls.state).toMatchObject({ phase: 'ringing', peer: 'teacher' });
  });
});
