/**
 * The repository's Markdown links that point inside it resolve: the file exists and, for a
 * `#anchor`, so does a heading with that GitHub slug. The README points to docs/ and DESIGN.md
 * for everything it does not say itself, so a moved section must not leave a dead link.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './workspace.js';

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of markdown.split('\n')) {
    const heading = /^#{1,6} (.+)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

const FILES = [
  'README.md',
  'DESIGN.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(join(ROOT, 'packages'))
    .map((p) => `packages/${p}/README.md`)
    .filter((f) => existsSync(join(ROOT, f))),
];

describe('Markdown links inside the repository', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Calls across networks: STUN/TURN with coturn (as built)')).toBe(
      'calls-across-networks-stunturn-with-coturn-as-built',
    );
    expect(slug('Limits (what one token can cost)')).toBe('limits-what-one-token-can-cost');
  });

  it.each(FILES)('%s: every relative link and anchor resolves', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    const dead: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (target === undefined || /^[a-z]+:/.test(target)) continue;
      const [path = '', anchor] = target.split('#');
      const resolved = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), path);
      if (!existsSync(resolved)) {
        dead.push(`${target} (no ${relative(ROOT, resolved)})`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md')) {
        if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) dead.push(`${target} (no such heading)`);
      }
    }
    expect(dead).toEqual([]);
  });
});
