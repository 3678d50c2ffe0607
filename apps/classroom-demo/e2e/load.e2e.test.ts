import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LOAD = join(import.meta.dirname, '..', 'load', 'load.ts');

/** Runs the load script as `pnpm --filter classroom-demo load` does, with a small class. */
function runLoad(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', LOAD], {
      cwd: join(import.meta.dirname, '..'),
      // The memory store whatever the environment says (REDIS_URL would put the servers on Redis).
      env: { ...process.env, REDIS_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

// The script's figures are benchmarks (timing is not asserted); this checks that it runs, that
// every client's queue matched the server's, and that it prints what issue 19 asks for.
describe('the classroom load script (pnpm --filter classroom-demo load)', () => {
  it('runs a small class with held frames and prints frames, CPU, intake, convergence and close', async () => {
    const { code, out } = await runLoad({ STUDENTS: '12', ROUNDS: '2', TIME_LIMIT_S: '120' });
    expect(out).not.toContain('FAILED');
    expect(code).toBe(0);
    expect(out).toContain('queue check: 26/26');
    expect(out).toMatch(/round 2: closed; every queue empty \d+ ms after closeRound/);
    expect(out).toMatch(/frames \([\d.]+ per student\)/);
    expect(out).toContain('frames arrived while held ones were handed on');
    expect(out).toMatch(/per student \(mean round\): [\d.]+ frames, [\d.]+ ms server CPU/);
  }, 150_000);

  it('handles frames live with HOLD=0', async () => {
    const { code, out } = await runLoad({ STUDENTS: '6', ROUNDS: '1', HOLD: '0', TIME_LIMIT_S: '120' });
    expect(code).toBe(0);
    expect(out).toContain('queue check: 7/7');
    expect(out).not.toContain('arrival stamps');
  }, 150_000);
});
