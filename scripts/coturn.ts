/**
 * coturn (Debian's `coturn` package, binary `turnserver`) for tests and `pnpm start:turn`: one
 * instance of our own per caller, on a free 127.0.0.1 port with a config file from
 * deploy/coturn/ — never the system service. Nothing here downloads anything.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stunBinding } from './turnClient.js';

/** Where the config files live. */
export const COTURN_CONFIG_DIR = join(import.meta.dirname, '..', 'deploy', 'coturn');

/** The `turnserver` binary: `BECKON_TURNSERVER`, or the first one on the PATH; undefined if none. */
export function findTurnserver(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.BECKON_TURNSERVER
    ? [env.BECKON_TURNSERVER]
    : [...(env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin'].map((dir) => join(dir, 'turnserver'));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** What to say when coturn is missing. */
export const MISSING_TURNSERVER =
  "coturn's turnserver is missing (Debian: apt-get install -y coturn; or set BECKON_TURNSERVER to its path)";

export interface Coturn {
  readonly host: string;
  readonly port: number;
  /** coturn's static-auth-secret, shared with the Beckon server. */
  readonly secret: string;
  /** `turn:127.0.0.1:PORT` over UDP. */
  readonly turnUrl: string;
  /** coturn's output so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export interface StartCoturnOptions {
  /** A file in deploy/coturn/, or a path. Default `test.conf`. */
  readonly config?: string;
  /** Default: a fresh random one. */
  readonly secret?: string;
  /** Default (or 0): a free one. */
  readonly port?: number;
  /** How long to wait for the first STUN answer. Default 10 s. */
  readonly readyTimeoutMs?: number;
}

/** A port free for both UDP and TCP on 127.0.0.1 (coturn listens on both). */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('found no port free for both UDP and TCP on 127.0.0.1');
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Starts coturn and resolves once it answers STUN; rejects with coturn's output if it exits or
 * stays silent.
 *
 * @example
 * const turn = await startCoturn();
 * // ... iceServers: [{ urls: turn.turnUrl, ...credentials signed with turn.secret }]
 * await turn.stop();
 */
export async function startCoturn(options: StartCoturnOptions = {}): Promise<Coturn> {
  const binary = findTurnserver();
  if (binary === undefined) throw new Error(MISSING_TURNSERVER);
  const config = (options.config ?? 'test.conf').includes('/')
    ? (options.config as string)
    : join(COTURN_CONFIG_DIR, options.config ?? 'test.conf');
  const secret = options.secret ?? randomBytes(24).toString('hex');
  const port = options.port ? options.port : await freePort();
  const host = '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'beckon-coturn-'));
  const child = spawn(
    binary,
    [
      '-c',
      config,
      '--listening-port',
      String(port),
      '--static-auth-secret',
      secret,
      '--pidfile',
      join(dir, 'turnserver.pid'),
      // Its own user database, so nothing touches the system's /var/lib/turn.
      '--userdb',
      join(dir, 'turndb'),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const gone = exited(child);
  // If the test process ends without stop() (a timed-out hook), coturn must not outlive it.
  const orphaned = () => child.kill('SIGKILL');
  process.once('exit', orphaned);
  const stop = async () => {
    process.off('exit', orphaned);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    // coturn normally exits at once on SIGTERM; a stuck one is killed.
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(kill);
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  let dead = false;
  void gone.then(() => {
    dead = true;
  });
  while (!(await stunBinding(host, port, 200))) {
    if (dead || Date.now() > deadline) {
      await stop();
      throw new Error(
        `coturn (${binary} -c ${config}) ${dead ? 'exited' : 'did not answer STUN'} on ${host}:${port}:\n${output}`,
      );
    }
  }
  return { host, port, secret, turnUrl: `turn:${host}:${port}`, log: () => output, stop };
}
