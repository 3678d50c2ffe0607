/**
 * What `pnpm add @beckon/server` installs: the production dependency closure, followed through
 * the installed package.json files the way Node resolves them. The TRTC browser SDK (29 MB) and
 * the media package that wraps it must not be in it.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGES } from './workspace.js';

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

/** The directory of `name` as seen from `from`: the nearest node_modules up the tree. */
function resolvePackage(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return realpathSync(dirname(candidate));
    if (dirname(dir) === dir) throw new Error(`${name} is not installed (needed from ${from})`);
  }
}

/** Production closure of the package in `dir`: name -> directory. */
function productionClosure(dir: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (at: string): void => {
    const manifest = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8')) as Manifest;
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      if (seen.has(name)) continue;
      const optional = manifest.optionalDependencies?.[name] !== undefined;
      let found: string;
      try {
        found = resolvePackage(name, at);
      } catch (error) {
        if (optional) continue; // An optional dependency for another platform.
        throw error;
      }
      seen.set(name, found);
      visit(found);
    }
  };
  visit(dir);
  return seen;
}

describe('@beckon/server production dependencies', () => {
  const server = PACKAGES.find((p) => p.name === '@beckon/server');
  if (server === undefined) throw new Error('packages/server is missing');
  const closure = productionClosure(server.dir);

  it('follows the real tree (signaling, ws, ioredis are in it)', () => {
    expect([...closure.keys()]).toEqual(
      expect.arrayContaining(['@beckon/signaling', 'ws', 'ioredis', 'jose']),
    );
  });

  it('does not contain trtc-sdk-v5 or @beckon/media', () => {
    expect(closure.has('trtc-sdk-v5')).toBe(false);
    expect(closure.has('@beckon/media')).toBe(false);
  });
});

describe('@beckon/media', () => {
  const media = PACKAGES.find((p) => p.name === '@beckon/media');
  if (media === undefined) throw new Error('packages/media is missing');

  it('needs trtc-sdk-v5 only as an optional peer', () => {
    const manifest = JSON.parse(readFileSync(join(media.dir, 'package.json'), 'utf8'));
    expect(manifest.dependencies).not.toHaveProperty('trtc-sdk-v5');
    expect(manifest.peerDependenciesMeta?.['trtc-sdk-v5']).toEqual({ optional: true });
    expect(productionClosure(media.dir).has('trtc-sdk-v5')).toBe(false);
  });
});
