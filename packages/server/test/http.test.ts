import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth.js';
import type { BeckonServer } from '../src/server.js';
import { api, SECRET, startServer } from './helpers.js';

let server: BeckonServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function withStatic(): Promise<BeckonServer> {
  const dir = mkdtempSync(join(tmpdir(), 'beckon-http-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  server = await startServer({ staticDir: dir });
  return server;
}

describe('malformed percent-encoding', () => {
  it('answers 400 with 6017 on API and static paths, not 500', async () => {
    const s = await withStatic();
    const token = await createToken({ secret: SECRET, userID: 'alice' });
    for (const path of ['/groups/%E0%A4%A/members', '/%E0%A4%A', '/app%.js']) {
      const res = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toMatchObject({ error: { code: 6017 } });
    }
    // Well-formed escapes still work.
    expect((await fetch(`${s.url}/app%2Ejs`)).status).toBe(200);
  });
});

describe('X-Content-Type-Options', () => {
  it('is nosniff on static files, API answers and errors', async () => {
    const s = await withStatic();
    const token = await createToken({ secret: SECRET, userID: 'alice' });
    const responses = [
      await fetch(`${s.url}/`),
      await fetch(`${s.url}/app.js`),
      await fetch(`${s.url}/healthz`),
      await fetch(`${s.url}/metrics`),
      await fetch(`${s.url}/groups`, { headers: { authorization: `Bearer ${token}` } }),
      await fetch(`${s.url}/groups`),
      await fetch(`${s.url}/missing.js`),
    ];
    for (const res of responses) expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 401, 404]);
  });
});

describe('group join codes', () => {
  const token = (userID: string) => createToken({ secret: SECRET, userID });

  it('are 12 characters of a 32-letter alphabet (60 bits)', async () => {
    server = await startServer();
    const res = await api(server, 'POST', '/groups', await token('teacher'), { name: 'Class' });
    expect(res.body.code).toMatch(/^[A-HJ-NP-Z2-9]{12}$/);
  });

  it('failed joins are throttled per user with 429 and Retry-After; successful ones never count', async () => {
    server = await startServer({ joinThrottle: { perUser: { burst: 3, perSecond: 0.01 } } });
    const { code } = (await api(server, 'POST', '/groups', await token('teacher'), { name: 'Class' })).body;
    const mallory = await token('mallory');
    for (let i = 0; i < 5; i++)
      expect((await api(server, 'POST', '/groups/join', mallory, { code })).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await api(server, 'POST', '/groups/join', mallory, { code: `WRONG${i}` })).status).toBe(404);
    const res = await fetch(`${server.url}/groups/join`, {
      method: 'POST',
      headers: { authorization: `Bearer ${mallory}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await res.json()).toMatchObject({ error: { code: 9004 } });
    // Another user is not held back by mallory's failures.
    expect((await api(server, 'POST', '/groups/join', await token('student'), { code })).status).toBe(200);
  });

  it('failed joins are throttled per address too, across users', async () => {
    server = await startServer({ joinThrottle: { perAddress: { burst: 3, perSecond: 0.01 } } });
    for (const user of ['u1', 'u2', 'u3'])
      expect((await api(server, 'POST', '/groups/join', await token(user), { code: 'NOPE' })).status).toBe(
        404,
      );
    expect((await api(server, 'POST', '/groups/join', await token('u4'), { code: 'NOPE' })).status).toBe(429);
  });
});
