/**
 * Prints the minified + gzip size of the client entries (esbuild, React external), and fails
 * when a budget is exceeded. Run with `pnpm size`.
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

interface Entry {
  readonly name: string;
  readonly code: string;
  /** Budget in bytes (gzip); undefined = report only. */
  readonly budget?: number;
  /** Packages left out of the bundle: peers the app already has. Default: React. */
  readonly external?: readonly string[];
}

const PEERS = ['react', 'react-dom', '@tanstack/react-query'];
const REACT_ENTRY = `export { BeckonProvider, useCall, useHandRaise } from '@beckon/react';
  export { SignalingClient, WebSocketTransport } from '@beckon/signaling';`;

const entries: Entry[] = [
  {
    // What a browser app ships: the client, the WebSocket transport with its frame schemas, and
    // the envelope and call-data codecs.
    name: 'signaling client (client + WebSocket transport + codecs)',
    code: `export { SignalingClient, WebSocketTransport, SignalingError, ErrorCode, decodeEnvelope, encodeEnvelope,
      createCallData, createBusyData, createHangupData, parseCallData, createClassroomData, parseClassroomData
    } from '@beckon/signaling';`,
    // 6 KiB until the client ran the server's parameter checks before sending (6017 without a
    // round trip, issue 16): about 0.2 kB of that.
    budget: 6.25 * 1024,
  },
  {
    name: '@beckon/signaling (every export of the main entry)',
    code: `export * from '@beckon/signaling';`,
  },
  {
    name: '@beckon/signaling/rules (arbiter side: server, hub)',
    code: `export * from '@beckon/signaling/rules';`,
  },
  {
    name: '@beckon/signaling/hub (tests, stories, single-page demos)',
    code: `export * from '@beckon/signaling/hub';`,
  },
  {
    // zustand included; React and TanStack Query are peers the app already ships.
    name: 'provider + client + useCall + useHandRaise (peers external)',
    code: REACT_ENTRY,
    budget: 12 * 1024,
    external: PEERS,
  },
  {
    name: 'the same with TanStack Query bundled too',
    code: REACT_ENTRY,
  },
  {
    name: 'ringing UI (provider + client + dialogs, peers external)',
    code: `export { BeckonProvider } from '@beckon/react';
      export { SignalingClient, WebSocketTransport } from '@beckon/signaling';
      export { IncomingCallDialog, OutgoingCallPanel } from '@beckon/ui';`,
    budget: 25 * 1024,
    external: PEERS,
  },
];

async function measure(code: string, external: readonly string[]): Promise<{ min: number; gzip: number }> {
  const result = await build({
    stdin: { contents: code, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['source'],
    external: [...external],
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const kb = (n: number) => `${(n / 1024).toFixed(2)} kB`;
let failed = false;
console.log('entry'.padEnd(62), 'min'.padStart(10), 'gzip'.padStart(10), 'budget'.padStart(10));
for (const entry of entries) {
  const { min, gzip } = await measure(entry.code, entry.external ?? ['react', 'react-dom']);
  const over = entry.budget !== undefined && gzip > entry.budget;
  failed ||= over;
  const budget = entry.budget === undefined ? '-' : `${kb(entry.budget)}${over ? ' OVER' : ''}`;
  console.log(entry.name.padEnd(62), kb(min).padStart(10), kb(gzip).padStart(10), budget.padStart(10));
}
// The components' stylesheet, minified.
const css = await build({
  entryPoints: ['packages/ui/src/styles.css'],
  bundle: true,
  minify: true,
  write: false,
  logLevel: 'silent',
});
const cssBytes = css.outputFiles[0]?.contents ?? new Uint8Array();
const cssGzip = gzipSync(cssBytes, { level: 9 }).length;
const cssBudget = 5 * 1024;
failed ||= cssGzip > cssBudget;
console.log(
  '@beckon/ui/styles.css'.padEnd(62),
  kb(cssBytes.length).padStart(10),
  kb(cssGzip).padStart(10),
  `${kb(cssBudget)}${cssGzip > cssBudget ? ' OVER' : ''}`.padStart(10),
);

if (failed) {
  console.error('size budget exceeded');
  process.exit(1);
}
