/**
 * The README's client example, run as written: the `ts` block under "## The client API" is
 * copied to a module, pointed at a dev-mode server on a free loopback port (the only change),
 * and run by the same Node that runs the tests (Node 20 in CI: no global WebSocket there).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BeckonServer, createBeckonServer } from '@beckon/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './workspace.js';

/** The first fenced `ts` block after the heading `## {heading}`. */
function codeBlockUnder(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const block = /\n```ts\n([\s\S]*?)\n```/.exec(section);
  if (block?.[1] === undefined) throw new Error(`"## ${heading}" has no ts code block`);
  return block[1];
}

const EXAMPLE_ADDRESS = '127.0.0.1:8787';
// Inside the workspace, so '@beckon/signaling' resolves as it does for an app.
const dir = join(ROOT, 'node_modules', '.cache', `beckon-readme-${process.pid}`);
let server: BeckonServer;
let child: ChildProcess | undefined;

beforeAll(async () => {
  server = await createBeckonServer({ port: 0, host: '127.0.0.1', dev: true, logLevel: 'silent' });
  mkdirSync(dir, { recursive: true });
});

afterAll(async () => {
  child?.kill();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('README: The client API', () => {
  const code = codeBlockUnder(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'The client API');

  it('is a complete example that talks to the server the README starts', () => {
    expect(code).toContain(EXAMPLE_ADDRESS);
    expect(code).toMatch(/from '@beckon\/signaling'/);
  });

  it('runs on this Node against a real server: bob rings in room-1 and picks up', async () => {
    const port = new URL(server.url).port;
    const file = join(dir, 'example.mts');
    writeFileSync(file, code.replaceAll(EXAMPLE_ADDRESS, `127.0.0.1:${port}`));
    const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let stdout = '';
    let stderr = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // The example may run to its end or keep its clients open: done when both lines are out.
    const done = (): boolean =>
      /ringing for [\d.]+ s; room room-1/.test(stdout) && /bob picked up/.test(stdout);
    const exitCode = await new Promise<number | null>((resolve) => {
      proc.on('exit', (code) => resolve(code));
      const check = () => {
        if (done()) resolve(null);
      };
      proc.stdout?.on('data', check);
    });
    expect({ exitCode: exitCode ?? 0, stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(done(), stdout).toBe(true);
  }, 30_000);
});
