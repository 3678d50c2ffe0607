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
});
