import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth.js';
import { demoContentSecurityPolicy } from '../src/csp.js';
import type { BeckonServer } from '../src/server.js';
import { api, SECRET, startServer } from './helpers.js';

let server: BeckonServer;
afterEach(async () => {
  await server?.close();
});

describe('serving a demo app and the dev lobby', () => {
  it('serves files, falls back to index.html, never climbs out of the folder, keeps the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    server = await startServer({ staticDir: dir });
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>demo</title>');
    expect(await (await fetch(`${server.url}/app.js`)).text()).toBe('console.log(1)');
    expect(await (await fetch(`${server.url}/some/route`)).text()).toContain('demo');
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await api(server, 'GET', '/healthz')).body).toMatchObject({ ok: true });
  });

  it('HTML pages carry a restrictive CSP (Tencent hosts only with TRTC, configurable), every answer nosniff', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beckon-static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    server = await startServer({ staticDir: dir });
    const page = await fetch(`${server.url}/some/route`);
    const policy = page.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')] as const),
    );
    expect(Object.fromEntries(directives)).toEqual({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' blob: data:",
      'media-src': "'self' blob: data:",
      'font-src': "'self' data:",
      'connect-src': "'self'",
      'worker-src': "'self' blob:",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
    });
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await fetch(`${server.url}/app.js`);
    expect(script.headers.get('content-security-policy')).toBeNull();
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    await server.close();

    server = await startServer({ staticDir: dir, trtc: { sdkAppId: 1400000001, secretKey: 'k' } });
    const tencent = (await fetch(`${server.url}/`)).headers.get('content-security-policy') ?? '';
    expect(tencent).toMatch(/connect-src 'self' .*wss:\/\/\*\.qcloud\.com/);
    expect(tencent).toContain("script-src 'self';");
    await server.close();

    server = await startServer({ staticDir: dir, contentSecurityPolicy: false });
    expect((await fetch(`${server.url}/`)).headers.get('content-security-policy')).toBeNull();
    await server.close();
    server = await startServer({ staticDir: dir, contentSecurityPolicy: "default-src 'none'" });
    expect((await fetch(`${server.url}/`)).headers.get('content-security-policy')).toBe("default-src 'none'");
    await expect(startServer({ contentSecurityPolicy: "default-src 'self'\r\nx-evil: 1" })).rejects.toThrow(
      /one line/,
    );
  });

  it('demoContentSecurityPolicy adds origins to connect-src and refuses what is not one source', () => {
    expect(demoContentSecurityPolicy({ connect: ['https://sig.example.com'] })).toContain(
      "connect-src 'self' https://sig.example.com;",
    );
    expect(() =>
      demoContentSecurityPolicy({ connect: ["https://a.example; script-src 'unsafe-inline'"] }),
    ).toThrow(TypeError);
  });

  it('dev mode: everybody who asks joins the same lobby group', async () => {
    server = await startServer({ dev: true });
    const alice = await createToken({ secret: SECRET, userID: 'alice' });
    const bob = await createToken({ secret: SECRET, userID: 'bob' });
    const a = await api(server, 'POST', '/dev/lobby', alice);
    const b = await api(server, 'POST', '/dev/lobby', bob);
    expect(b.body.groupID).toBe(a.body.groupID);
    const members = await api(server, 'GET', `/groups/${a.body.groupID}/members`, alice);
    expect(members.body.members.map((m: { userID: string }) => m.userID)).toEqual(['alice', 'bob']);
  });

  it('mints TRTC UserSigs for signed-in users when configured, and says so when not', async () => {
    const { verifyUserSig } = await import('../src/userSig.js');
    server = await startServer({ trtc: { sdkAppId: 1400000001, secretKey: 'trtc-secret' } });
    const token = await createToken({ secret: SECRET, userID: 'alice' });
    expect((await api(server, 'GET', '/trtc/usersig')).status).toBe(401);
    const { body } = await api(server, 'GET', '/trtc/usersig', token);
    expect(body).toMatchObject({ sdkAppId: 1400000001, userID: 'alice' });
    expect(JSON.stringify(body)).not.toContain('trtc-secret');
    expect(
      verifyUserSig({
        userSig: body.userSig,
        sdkAppId: 1400000001,
        secretKey: 'trtc-secret',
        userId: 'alice',
      }),
    ).toMatchObject({
      ok: true,
    });
    await server.close();
    server = await startServer();
    expect((await api(server, 'GET', '/trtc/usersig', token)).status).toBe(404);
  });

  it('dev mode mints a UserSig for any name at /dev/usersig (the call demo in Tencent mode), only with credentials', async () => {
    const { verifyUserSig } = await import('../src/userSig.js');
    const trtc = { sdkAppId: 1400000001, secretKey: 'trtc-secret' };
    server = await startServer({ dev: true, trtc });
    const { status, body } = await api(server, 'GET', '/dev/usersig?userID=carol');
    expect(status).toBe(200);
    expect(body).toMatchObject({ sdkAppId: 1400000001, userID: 'carol' });
    expect(JSON.stringify(body)).not.toContain('trtc-secret');
    expect(verifyUserSig({ ...trtc, userSig: body.userSig, userId: 'carol' })).toMatchObject({ ok: true });
    for (const bad of ['', '?userID=', '?userID=%20carol', `?userID=${'x'.repeat(129)}`]) {
      const refused = await api(server, 'GET', `/dev/usersig${bad}`);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 6017 });
    }
    await server.close();
    server = await startServer({ dev: true });
    const missing = await api(server, 'GET', '/dev/usersig?userID=carol');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('TRTC_SECRET_KEY');
    await server.close();
    server = await startServer({ trtc });
    expect((await api(server, 'GET', '/dev/usersig?userID=carol')).status).toBe(404);
  });

  it('outside dev mode there is no lobby', async () => {
    server = await startServer();
    const token = await createToken({ secret: SECRET, userID: 'alice' });
    expect((await api(server, 'POST', '/dev/lobby', token)).status).toBe(404);
  });
});
