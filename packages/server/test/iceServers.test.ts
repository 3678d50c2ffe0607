import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth.js';
import {
  IceServersConfigError,
  iceServersFor,
  iceServersFromEnv,
  resolveIceServers,
  turnCredentials,
} from '../src/iceServers.js';
import type { BeckonServer } from '../src/server.js';
import { api, SECRET, startServer } from './helpers.js';

const TURN_SECRET = 'turn-shared-secret';
const TURN = { stunUrls: ['stun:127.0.0.1:3478'], turnUrls: ['turn:127.0.0.1:3478'], secret: TURN_SECRET };

let server: BeckonServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('GET /ice-servers', () => {
  it('refuses users without a valid token', async () => {
    server = await startServer({ iceServers: TURN });
    expect((await api(server, 'GET', '/ice-servers')).status).toBe(401);
    expect((await api(server, 'GET', '/ice-servers', 'not-a-token')).status).toBe(401);
    const otherSecret = await createToken({ secret: 'another-secret', userID: 'mallory' });
    const refused = await api(server, 'GET', '/ice-servers', otherSecret);
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.body)).not.toContain('turn:');
  });

  it("hands a signed-in user STUN, and TURN credentials of coturn's REST API for the TTL", async () => {
    server = await startServer({ iceServers: { ...TURN, ttlSeconds: 600 } });
    const before = Math.floor(Date.now() / 1000);
    const { status, body } = await api(
      server,
      'GET',
      '/ice-servers',
      await createToken({ secret: SECRET, userID: 'alice' }),
    );
    const after = Math.floor(Date.now() / 1000);
    expect(status).toBe(200);
    expect(body.iceServers[0]).toEqual({ urls: ['stun:127.0.0.1:3478'] });
    const turn = body.iceServers[1];
    expect(turn.urls).toEqual(['turn:127.0.0.1:3478']);
    const [expiry, user] = turn.username.split(':');
    expect(user).toBe('alice');
    expect(Number(expiry)).toBeGreaterThanOrEqual(before + 600);
    expect(Number(expiry)).toBeLessThanOrEqual(after + 600);
    expect(body.expiresAt).toBe(Number(expiry) * 1000);
    expect(body.iceTransportPolicy).toBe('all');
    expect(turn.credential).toBe(createHmac('sha1', TURN_SECRET).update(turn.username).digest('base64'));
    expect(JSON.stringify(body)).not.toContain(TURN_SECRET);
  });

  it('answers an empty list when nothing is configured, so calls stay as they were', async () => {
    server = await startServer();
    const token = await createToken({ secret: SECRET, userID: 'bob' });
    expect((await api(server, 'GET', '/ice-servers', token)).body).toEqual({
      iceServers: [],
      expiresAt: null,
      iceTransportPolicy: 'all',
    });
  });
});

describe('ICE server settings', () => {
  it('matches the TURN REST API reference values', () => {
    // base64(HMAC-SHA1("north", "1700000000:alice")), computed with openssl dgst -sha1 -hmac.
    expect(turnCredentials('north', 'alice', 1_700_000_000)).toEqual({
      username: '1700000000:alice',
      credential: 'Cd/49soE35ICqcJF/bCTn8Z4OyE=',
    });
  });

  it('STUN only: no credentials and no expiry', () => {
    const config = resolveIceServers({ stunUrls: ['stun:stun.example.com:3478'] });
    expect(iceServersFor(config, 'alice', 0)).toEqual({
      iceServers: [{ urls: ['stun:stun.example.com:3478'] }],
      expiresAt: null,
      iceTransportPolicy: 'all',
    });
  });

  it('relay-only tells clients to use TURN alone', () => {
    const config = resolveIceServers({ turnUrls: ['turn:t:3478'], secret: 's', relayOnly: true });
    expect(iceServersFor(config, 'alice', 0).iceTransportPolicy).toBe('relay');
  });

  it('refuses bad settings with a typed error', () => {
    const bad = [
      { turnUrls: ['turn:x:3478'] }, // no secret
      { turnUrls: ['http://x'], secret: 's' },
      { stunUrls: ['turn:x:3478'] },
      { turnUrls: ['turn:x'], secret: 's', ttlSeconds: 10 },
      { turnUrls: ['turn:x'], secret: 's', ttlSeconds: 7 * 24 * 3600 },
      { turnUrls: ['turn:x'], secret: 's', ttlSeconds: Number.NaN },
      { stunUrls: ['stun:x'], relayOnly: true },
    ];
    for (const options of bad) expect(() => resolveIceServers(options)).toThrow(IceServersConfigError);
    expect(resolveIceServers({})).toBeUndefined();
  });

  it('reads the environment', () => {
    expect(iceServersFromEnv({})).toBeUndefined();
    expect(
      iceServersFromEnv({
        BECKON_TURN_URLS: 'turn:a:3478, turns:a:5349',
        BECKON_TURN_SECRET: 'x',
        BECKON_TURN_TTL: '900',
        BECKON_TURN_RELAY_ONLY: '1',
      }),
    ).toEqual({
      stunUrls: [],
      turnUrls: ['turn:a:3478', 'turns:a:5349'],
      secret: 'x',
      ttlSeconds: 900,
      relayOnly: true,
    });
  });
});
