import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycles, importGraph } from './importGraph.js';
import { PACKAGES, ROOT } from './workspace.js';

describe('import cycles', () => {
  it.each(PACKAGES.map((p) => p.name))('%s has none in its src', (name) => {
    const pkg = PACKAGES.find((p) => p.name === name);
    if (pkg === undefined) throw new Error(name);
    const graph = importGraph(join(pkg.dir, 'src'));
    expect(graph.size).toBeGreaterThan(3);
    expect(findCycles(graph, ROOT)).toEqual([]);
  });

  it('the packages depend on each other without a cycle', () => {
    const graph = new Map(
      PACKAGES.map((p) => [
        p.name,
        Object.keys({ ...p.manifest.dependencies }).filter((d) => PACKAGES.some((q) => q.name === d)),
      ]),
    );
    expect(findCycles(graph, '/')).toEqual([]);
  });

  it('finds a cycle when there is one, through re-exports and dynamic imports, not through erased types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-cycle-'));
    try {
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = b;\n");
      writeFileSync(join(dir, 'b.ts'), "export { c as b } from './sub/index.js';\n");
      writeFileSync(join(dir, 'sub', 'index.ts'), "import { type A } from '../a.js';\nexport const c = 1;\n");
      writeFileSync(join(dir, 'f.ts'), "import type { G } from './g.js';\nexport type F = G;\n");
      writeFileSync(
        join(dir, 'g.ts'),
        "export type { F as G } from './f.js';\nimport type { F } from './f.js';\n",
      );
      writeFileSync(join(dir, 'd.ts'), "export const load = () => import('./e.js');\n");
      writeFileSync(join(dir, 'e.ts'), "import './d.js';\nimport { x } from 'elsewhere';\n");
      const cycles = findCycles(importGraph(dir), dir);
      expect(cycles).toContainEqual(['a.ts', 'b.ts', 'sub/index.ts', 'a.ts']);
      expect(cycles).toContainEqual(['d.ts', 'e.ts', 'd.ts']);
      expect(cycles).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
