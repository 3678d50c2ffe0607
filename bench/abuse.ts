/**
 * Abuse: what one misbehaving user with a valid token costs everybody else. A server with its
 * default limits runs alone in a child process; a bystander pair (carol invites dave, dave
 * rings, carol cancels, in a loop) measures invite -> ring latency while, in turn:
 *
 * 1. nobody misbehaves (the baseline);
 * 2. a sync storm: one socket of alice sends 100 `{"t":"sync"}` frames in one TCP write, every
 *    200 ms;
 * 3. a resume storm: alice opens 20 sockets at once, each resuming from sequence 0, every 500 ms.
 *
 * Alice has 300 active invitations of 8 KB each (so a snapshot is about 5 MB and her log holds
 * 300 events). Printed per phase: the server's peak RSS above its level before the phase, and
 * the bystander's p50 / p99 / max, and how much the abuser received.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createToken } from '@beckon/server';
import type { SignalingClient } from '@beckon/signaling';
import { WebSocket } from 'ws';
import { connectClient, fmt, percentile, SECRET, sleep, withTimeout } from './support/common.js';

const HOST = '127.0.0.1';
const PHASE_MS = 4000;
const INVITATIONS = 300;
const INVITERS = 6;
const DATA_BYTES = 8000;
const SYNCS_PER_WRITE = 100;
const RESUMERS = 20;

interface Child {
  readonly port: number;
  ask(command: 'reset' | 'peak'): Promise<number>;
  stop(): void;
}

async function startChild(): Promise<Child> {
  const script = join(import.meta.dirname, 'support', 'abuse-server.ts');
  const child = spawn(process.execPath, ['--expose-gc', '--conditions=source', '--import', 'tsx', script], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, BECKON_BENCH_SECRET: SECRET },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else lines.push(line);
  });
  const next = (what: string) =>
    withTimeout(
      new Promise<string>((resolve) => {
        const line = lines.shift();
        if (line !== undefined) resolve(line);
        else waiting.push(resolve);
      }),
      30_000,
      what,
    );
  const { port } = JSON.parse(await next('the abuse server to start')) as { port: number };
  return {
    port,
    async ask(command) {
      child.stdin.write(`${command}\n`);
      const reply = JSON.parse(await next(command)) as { rss?: number; peak?: number };
      return reply.rss ?? reply.peak ?? Number.NaN;
    },
    stop: () => child.stdin.end(),
  };
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.on('error', () => {});
      resolve(ws);
    });
    ws.once('error', reject);
  });
}

/** An authenticated raw socket; resolves with the hello's epoch once the first snapshot is complete. */
async function rawLogin(url: string, token: string): Promise<{ ws: WebSocket; epoch: string }> {
  const ws = await open(url);
  let epoch = '';
  const onMessage = (data: unknown, resolve: () => void) => {
    const frame = JSON.parse(String(data)) as { t: string; epoch?: string; more?: boolean };
    if (frame.t === 'hello') epoch = frame.epoch ?? '';
    if (frame.t === 'snapshot' && !frame.more) resolve();
  };
  let listener: ((data: unknown) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    ws.once('close', (code) => reject(new Error(`closed with ${code}`)));
    listener = (data) => onMessage(data, resolve);
    ws.on('message', listener);
  });
  ws.send(JSON.stringify({ t: 'auth', token }));
  await withTimeout(ready, 30_000, 'a raw login');
  // From here on the attacker reads without parsing: its own CPU must not slow the bystander.
  if (listener) ws.off('message', listener);
  return { ws, epoch };
}

/** The bystander loop: invite -> ring latencies (ms) until `stop` says so. */
async function bystander(carol: SignalingClient, dave: SignalingClient, stop: () => boolean) {
  const samples: number[] = [];
  let failures = 0;
  while (!stop()) {
    const start = performance.now();
    const rang = new Promise<void>((resolve) => {
      const off = dave.on('onReceiveNewInvitation', () => {
        off();
        resolve();
      });
    });
    try {
      const inviteID = await carol.invite('dave', 'bystander', { timeout: 30 });
      await withTimeout(rang, 20_000, 'the bystander to ring');
      samples.push(performance.now() - start);
      await carol.cancel(inviteID);
    } catch {
      failures++;
    }
    await sleep(20);
  }
  return { samples: samples.sort((a, b) => a - b), failures };
}

async function phase(
  child: Child,
  carol: SignalingClient,
  dave: SignalingClient,
  name: string,
  abuse: (stop: () => boolean) => Promise<void>,
): Promise<string> {
  const before = await child.ask('reset');
  let done = false;
  const stop = () => done;
  const timer = setTimeout(() => {
    done = true;
  }, PHASE_MS);
  const [result] = await Promise.all([bystander(carol, dave, stop), abuse(stop)]);
  clearTimeout(timer);
  const peak = await child.ask('peak');
  const { samples, failures } = result;
  return [
    name.padEnd(34),
    fmt((peak - before) / 2 ** 20, 1).padStart(10),
    fmt(percentile(samples, 50), 1).padStart(8),
    fmt(percentile(samples, 99), 1).padStart(8),
    fmt(samples.at(-1) ?? Number.NaN, 1).padStart(8),
    String(samples.length).padStart(8),
    String(failures).padStart(6),
  ].join(' ');
}

export async function run(): Promise<void> {
  const child = await startChild();
  const url = `ws://${HOST}:${child.port}`;
  const clients: SignalingClient[] = [];
  try {
    // Alice's invitations, from several inviters so no per-user limit slows the setup down.
    const data = 'x'.repeat(DATA_BYTES);
    const inviters = await Promise.all(
      Array.from({ length: INVITERS }, (_, i) => connectClient(url, `inviter-${i}`)),
    );
    clients.push(...inviters);
    await Promise.all(
      inviters.map(async (inviter) => {
        for (let i = 0; i < INVITATIONS / INVITERS; i++) {
          await inviter.invite('alice', data, { timeout: 0 }).catch(async () => {
            await sleep(100);
            await inviter.invite('alice', data, { timeout: 0 });
          });
          await sleep(25);
        }
      }),
    );
    const carol = await connectClient(url, 'carol');
    const dave = await connectClient(url, 'dave');
    clients.push(carol, dave);
    const token = await createToken({ secret: SECRET, userID: 'alice' });
    const { ws: first, epoch } = await rawLogin(url, token);
    first.close();

    console.log(
      `server: default limits, in a child process; alice: ${INVITATIONS} invitations of ${DATA_BYTES} bytes`,
    );
    console.log(
      `${'phase'.padEnd(34)} ${'RSS +MiB'.padStart(10)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'samples'.padStart(8)} ${'fails'.padStart(6)} ${'abuser MiB'.padStart(10)}`,
    );
    console.log(await phase(child, carol, dave, 'baseline (nobody misbehaves)', async () => {}));
    const attack = async (name: string, mode: 'sync' | 'resume') => {
      const attacker = spawn(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'support', 'abuse-attacker.ts')],
        {
          cwd: join(import.meta.dirname, '..'),
          env: {
            ...process.env,
            ABUSE_URL: url,
            ABUSE_TOKEN: token,
            ABUSE_EPOCH: epoch,
            ABUSE_MODE: mode,
            ABUSE_SYNCS: String(SYNCS_PER_WRITE),
            ABUSE_RESUMERS: String(RESUMERS),
          },
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      const out: string[] = [];
      let heard: (() => void) | undefined;
      createInterface({ input: attacker.stdout }).on('line', (line) => {
        out.push(line);
        heard?.();
      });
      const line = (what: string) =>
        withTimeout(
          new Promise<string>((resolve) => {
            const take = () => {
              const next = out.shift();
              if (next === undefined) return false;
              heard = undefined;
              resolve(next);
              return true;
            };
            if (!take()) heard = () => void take();
          }),
          60_000,
          what,
        );
      await line('the attacker to be ready');
      const row = await phase(child, carol, dave, name, async (stop) => {
        attacker.stdin.write('go\n');
        while (!stop()) await sleep(50);
        attacker.stdin.end();
      });
      const { received } = JSON.parse(await line('the attacker to stop')) as { received: number };
      return `${row} ${fmt(received / 2 ** 20, 0).padStart(10)}`;
    };
    console.log(await attack(`sync storm (${SYNCS_PER_WRITE} syncs / write)`, 'sync'));
    console.log(await attack(`resume storm (${RESUMERS} x from seq 0)`, 'resume'));
  } finally {
    for (const client of clients) client.close();
    child.stop();
  }
}
