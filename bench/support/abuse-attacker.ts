/**
 * Child process of bench/abuse.ts: the misbehaving client, in a process of its own so the bytes
 * it receives do not slow the bystander being measured. Prints `ready` once it is connected,
 * starts on a `go` line, stops when stdin closes and then prints `{"received":bytes}`.
 *
 * Environment: ABUSE_URL, ABUSE_TOKEN, ABUSE_EPOCH, ABUSE_MODE (`sync` | `resume`),
 * ABUSE_SYNCS (frames per write, sync mode), ABUSE_RESUMERS (sockets per wave, resume mode).
 */
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';

const { ABUSE_URL: url = '', ABUSE_TOKEN: token = '', ABUSE_EPOCH: epoch = '' } = process.env;
const mode = process.env.ABUSE_MODE;
const syncs = Number(process.env.ABUSE_SYNCS ?? 100);
const resumers = Number(process.env.ABUSE_RESUMERS ?? 20);
let received = 0;
let stopped = false;
let go: () => void = () => {};
const started = new Promise<void>((resolve) => {
  go = resolve;
});
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'go') go();
});
lines.on('close', () => {
  stopped = true;
  go();
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function open(): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.on('message', (data: Buffer) => {
      received += data.length;
    });
    ws.once('open', () => resolve(ws));
    ws.on('error', () => resolve(undefined));
  });
}

/** Logs in and resolves once the snapshot's last page arrived. */
async function login(): Promise<WebSocket | undefined> {
  const ws = await open();
  if (ws === undefined) return undefined;
  const ready = new Promise<void>((resolve) => {
    const onMessage = (data: Buffer) => {
      const text = data.toString('latin1', 0, 64);
      if (text.startsWith('{"t":"snapshot"') && !text.includes('"more":true')) {
        ws.off('message', onMessage);
        resolve();
      }
    };
    ws.on('message', onMessage);
    ws.once('close', () => resolve());
  });
  ws.send(JSON.stringify({ t: 'auth', token }));
  await ready;
  return ws;
}

let ws = mode === 'sync' ? await login() : undefined;
process.stdout.write('ready\n');
await started;
if (mode === 'sync') {
  while (!stopped) {
    if (ws === undefined || ws.readyState !== WebSocket.OPEN) {
      ws = await login();
      continue;
    }
    const raw = (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    raw.cork();
    for (let i = 0; i < syncs; i++) ws.send('{"t":"sync"}');
    raw.uncork();
    await sleep(200);
  }
  ws?.terminate();
} else if (mode === 'resume') {
  while (!stopped) {
    const wave = await Promise.all(Array.from({ length: resumers }, () => open()));
    for (const socket of wave) socket?.send(JSON.stringify({ t: 'auth', token, resume: { epoch, seq: 0 } }));
    await sleep(500);
    for (const socket of wave) socket?.terminate();
  }
} else {
  throw new Error(`abuse-attacker: unknown ABUSE_MODE ${mode}`);
}
process.stdout.write(`${JSON.stringify({ received })}\n`);
process.exit(0);
