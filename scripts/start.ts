/**
 * `pnpm start`: builds both demos, then runs the Beckon server on the embedded in-memory store
 * in dev mode and serves them from the same port, with a landing page linking both. No Redis,
 * no cloud account. `--once` stops right after the pages answer (a smoke check).
 * `--turn` (`pnpm start:turn`) also starts a local coturn (deploy/coturn/local.conf) and hands
 * its TURN credentials to the demos; BECKON_TURN_RELAY_ONLY=1 then forces media through it.
 * Without `--turn`, the BECKON_STUN_URLS / BECKON_TURN_* variables point at a coturn of your own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createBeckonServer,
  demoContentSecurityPolicy,
  type IceServersOptions,
  iceServersFromEnv,
  trtcFromEnv,
} from '@beckon/server';
import { build } from 'vite';
import { readDemoMode } from '../apps/call-demo/src/config.js';
import { type Coturn, startCoturn } from './coturn.js';

const repo = join(import.meta.dirname, '..');
const out = join(repo, 'node_modules', '.beckon-demos');
const demos = [
  {
    dir: 'call-demo',
    path: 'call',
    title: 'One-to-one call',
    blurb: 'Sign in, see who is online, call them.',
  },
  {
    dir: 'classroom-demo',
    path: 'classroom',
    title: 'Classroom',
    blurb: 'Create a class, raise hands, invite to speak.',
  },
];

// VITE_TENCENT_SDK_APP_ID + VITE_TENCENT_USERSIG_URL build the call demo for Tencent Cloud Chat.
const callMode = readDemoMode(process.env);
if (callMode.kind === 'misconfigured') {
  console.error(callMode.message);
  process.exit(1);
}

console.log('Building the demos…');
for (const demo of demos) {
  const root = join(repo, 'apps', demo.dir);
  await build({
    root,
    configFile: join(root, 'vite.config.ts'),
    base: `/${demo.path}/`,
    build: { outDir: join(out, demo.path), emptyOutDir: true },
    logLevel: 'warn',
  });
}
mkdirSync(out, { recursive: true });
// A file, not a <style> element: the pages' CSP allows styles from the server only.
writeFileSync(
  join(out, 'demos.css'),
  'body{font-family:system-ui,sans-serif;max-width:640px;margin:40px auto;padding:0 16px;line-height:1.5}a{font-size:1.25rem}\n',
);
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Beckon demos</title><link rel="stylesheet" href="/demos.css"></head>
<body><h1>Beckon demos</h1><ul>${demos
    .map((d) => `<li><a href="/${d.path}/">${d.title}</a> — ${d.blurb}</li>`)
    .join(
      '',
    )}</ul><p>Open a demo in two windows (or two browsers) and sign in with two names.</p></body></html>`,
);

const port = Number(process.env.BECKON_PORT ?? 8787);
const trtc = trtcFromEnv();
let turn: Coturn | undefined;
let iceServers: IceServersOptions | undefined = iceServersFromEnv();
if (process.argv.includes('--turn')) {
  turn = await startCoturn({ config: 'local.conf', port: Number(process.env.BECKON_TURN_PORT ?? 3478) });
  iceServers = {
    stunUrls: [`stun:${turn.host}:${turn.port}`],
    turnUrls: [turn.turnUrl],
    secret: turn.secret,
    relayOnly: process.env.BECKON_TURN_RELAY_ONLY === '1',
  };
}
// Tencent mode (chat signaling) or TRTC media: the pages must reach Tencent's hosts, and a
// UserSig endpoint on another origin.
const tencentMode = callMode.kind === 'tencent';
const userSigOrigin = tencentMode ? new URL(callMode.config.userSigUrl, 'http://same.invalid').origin : '';
const contentSecurityPolicy = demoContentSecurityPolicy({
  tencent: tencentMode || trtc !== undefined,
  connect: userSigOrigin === '' || userSigOrigin === 'http://same.invalid' ? [] : [userSigOrigin],
});
const server = await createBeckonServer({
  ...(trtc ? { trtc } : {}),
  contentSecurityPolicy,
  ...(iceServers ? { iceServers } : {}),
  port,
  dev: true,
  staticDir: out,
  logLevel: process.env.BECKON_LOG_LEVEL ?? 'warn',
});
console.log(`\nBeckon demos: ${server.url}${trtc ? ` (media: TRTC app ${trtc.sdkAppId})` : ''}`);
for (const demo of demos) console.log(`  ${demo.title}: ${server.url}/${demo.path}/`);
if (callMode.kind === 'tencent') {
  const { sdkAppId, userSigUrl } = callMode.config;
  console.log(
    `  (the call demo runs on Tencent Cloud Chat: SDKAppID ${sdkAppId}, UserSigs from ${userSigUrl})`,
  );
}
if (turn) {
  const relayOnly = iceServers?.relayOnly ? ', relay only' : '';
  console.log(`  TURN: coturn on ${turn.turnUrl} (deploy/coturn/local.conf${relayOnly})`);
} else if (iceServers) {
  console.log(
    `  ICE servers: ${[...(iceServers.stunUrls ?? []), ...(iceServers.turnUrls ?? [])].join(', ')}`,
  );
}
console.log('(Dev mode: anyone can mint a token. In-memory store: nothing is kept after Ctrl-C.)');

if (process.argv.includes('--once')) {
  for (const path of ['/', ...demos.map((d) => `/${d.path}/`)]) {
    const res = await fetch(`${server.url}${path}`);
    if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  }
  await server.close();
  await turn?.stop();
} else {
  const stop = () =>
    void server
      .close()
      .then(() => turn?.stop())
      .then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
