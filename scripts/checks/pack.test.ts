/**
 * What `pnpm publish` would ship: every package is built and packed into a temporary directory,
 * and each tarball is read back. Published packages carry compiled JavaScript and declarations
 * only: no tests, no stories, no TypeScript sources, and no `source` export condition (that one
 * exists for the workspace's own scripts and would point at files the tarball does not have).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGES, ROOT } from './workspace.js';

const PNPM = ['-y', 'pnpm@12.4.2'];
const out = mkdtempSync(join(tmpdir(), 'beckon-pack-'));

interface Packed {
  readonly files: readonly string[];
  readonly manifest: Record<string, unknown>;
}
const packed = new Map<string, Packed>();

function run(args: readonly string[], cwd: string): string {
  return execFileSync('npx', [...PNPM, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

beforeAll(() => {
  run(['-r', '--filter', './packages/*', 'run', 'build'], ROOT);
  for (const pkg of PACKAGES) {
    run(['pack', '--pack-destination', out], pkg.dir);
    const tarball = readdirSync(out).find((f) =>
      f.startsWith(`${pkg.name.replace('@', '').replace('/', '-')}-`),
    );
    if (tarball === undefined) throw new Error(`pnpm pack made no tarball for ${pkg.name}`);
    const path = join(out, tarball);
    const files = execFileSync('tar', ['-tzf', path], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', path, 'package/package.json'], { encoding: 'utf8' }),
    );
    packed.set(pkg.name, { files: files.map((f) => f.replace(/^package\//, '')), manifest });
  }
}, 300_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every condition name used anywhere in an `exports` map. */
function conditions(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...conditions(inner)]);
}

function targets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(targets);
}

describe.each(PACKAGES.map((p) => p.name))('the published %s', (name) => {
  const get = (): Packed => {
    const result = packed.get(name);
    if (result === undefined) throw new Error(`${name} was not packed`);
    return result;
  };

  it('ships no tests, stories or TypeScript sources', () => {
    const { files } = get();
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      expect(file).not.toMatch(/\.(test|stories|browser\.test)\.|(^|\/)(test|stories)\//);
      expect(file).not.toMatch(/(?<!\.d)\.tsx?$/);
    }
  });

  it('has no `source` export condition, and every export points at a shipped file', () => {
    const { manifest, files } = get();
    expect(manifest.exports).toBeDefined();
    expect(conditions(manifest.exports)).not.toContain('source');
    for (const target of targets(manifest.exports)) expect(files).toContain(target.replace(/^\.\//, ''));
  });

  it('names real versions, not workspace links', () => {
    const { manifest } = get();
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const range of Object.values((manifest[field] ?? {}) as Record<string, string>))
        expect(range).not.toMatch(/^workspace:/);
    }
  });
});

it('@beckon/media ships trtc-sdk-v5 as an optional peer, never as a dependency', () => {
  const manifest = packed.get('@beckon/media')?.manifest;
  expect(manifest?.dependencies).not.toHaveProperty('trtc-sdk-v5');
  expect(manifest?.peerDependencies).toHaveProperty('trtc-sdk-v5');
  expect(manifest?.peerDependenciesMeta).toEqual({ 'trtc-sdk-v5': { optional: true } });
});
