/**
 * The packages' public names. One name means one thing across Beckon: an app that imports from
 * several packages never meets two different `GroupInfo`s. Re-exporting the same declaration
 * (a subpath repeating its root, or a package passing another's type on) is not a collision.
 */
import { describe, expect, it } from 'vitest';
import { publicNames } from './publicNames.js';

const names = publicNames();

function collisions(): Record<string, string[]> {
  const byName = new Map<string, Map<string, string[]>>();
  for (const { entry, name, declaredAt } of names) {
    const declarations = byName.get(name) ?? new Map<string, string[]>();
    declarations.set(declaredAt, [...(declarations.get(declaredAt) ?? []), entry]);
    byName.set(name, declarations);
  }
  return Object.fromEntries(
    [...byName]
      .filter(([, declarations]) => declarations.size > 1)
      .map(([name, declarations]) => [name, [...declarations.values()].flat().sort()]),
  );
}

describe('public names', () => {
  it('reads every entry point', () => {
    const entries = new Set(names.map((n) => n.entry));
    expect(entries).toContain('@beckon/signaling');
    expect(entries).toContain('@beckon/signaling/rules');
    expect(entries).toContain('@beckon/tencent/testing');
    expect(names.filter((n) => n.entry === '@beckon/react').map((n) => n.name)).toContain('useCall');
  });

  it('no two packages export different things under one name', () => {
    expect(collisions()).toEqual({});
  });
});
