import { SignalingClient, type WebSocketConstructor, WebSocketTransport } from '@beckon/signaling';
import { CloseCode } from '@beckon/signaling/rules';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createToken } from '../src/auth.js';
import type { BeckonServer } from '../src/server.js';
import { api, connectUser, SECRET, startServer, type TestUser, waitFor } from './helpers.js';
import { openRaw, type RawClient } from './raw.js';

// Sessions end with their tokens; tokens may not live longer than the server allows; the
// secret that signs them must be long enough.

let server: BeckonServer | undefined;
const raws: RawClient[] = [];
const clients: SignalingClient[] = [];
const users: TestUser[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const user of users.splice(0)) user.client.close();
  for (const raw of raws.splice(0)) raw.ws.terminate();
  await server?.close();
  server = undefined;
});

/** A token that expires at `expSeconds` (epoch seconds), issued now. */
function tokenUntil(
  userID: string,
  expSeconds: number,
  iat = Math.floor(Date.now() / 1000),
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userID)
    .setIssuedAt(iat)
    .setExpirationTime(expSeconds)
    .sign(new TextEncoder().encode(SECRET));
}

describe('sessions end with their tokens', () => {
  it('closes a socket with 4002 when its token expires', async () => {
    server = await startServer();
    const raw = await openRaw(server.wsUrl);
    raws.push(raw);
    // Two seconds ahead, not one: exp is in whole seconds, so `+ 1` may leave the token a
    // millisecond to live before the auth frame is read.
    await raw.auth(await tokenUntil('alice', Math.floor(Date.now() / 1000) + 2));
    const closed = await raw.closed;
    expect(closed).toEqual({ code: CloseCode.TOKEN_EXPIRED, reason: 'token expired' });
    expect(server.connectionsOf('alice')).toBe(0);
    expect(server.metrics.render()).toMatch(/beckon_connections_closed_total\{reason="token_expired"\} 1/);
  });

  it('the client asks its token provider again and resumes without losing or repeating an event', async () => {
    server = await startServer();
    const bob = await connectUser(server, 'bob');
    users.push(bob);
    const closes: number[] = [];
    class Recording extends WebSocket {
      constructor(url: string) {
        super(url);
        this.on('close', (code) => closes.push(code));
      }
    }
    let asked = 0;
    const transport = new WebSocketTransport({
      url: server.wsUrl,
      // Every token lives one to two seconds (exp is in whole seconds; `+ 1` could leave a token
      // a millisecond to live): the session is cut and renewed several times.
      token: () => {
        asked++;
        return tokenUntil('alice', Math.floor(Date.now() / 1000) + 2);
      },
      WebSocket: Recording as unknown as WebSocketConstructor,
      reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    const alice = new SignalingClient({ transport });
    clients.push(alice);
    const rung: string[] = [];
    alice.on('onReceiveNewInvitation', (e) => rung.push(e.data));
    alice.connect();
    await waitFor(() => alice.connectionState === 'connected', 3000, 'alice to connect');

    // Bob keeps inviting while alice's sessions come and go, until two have ended.
    const sent: string[] = [];
    while (closes.filter((c) => c === CloseCode.TOKEN_EXPIRED).length < 2) {
      const data = `n${sent.length}`;
      await bob.client.invite('alice', data, { timeout: 0 });
      sent.push(data);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(() => rung.length >= sent.length, 5000, 'alice to hear every invitation');
    expect(rung).toEqual(sent);
    // The first token and one per expired session: the last renewal runs after the second close,
    // so it is waited for, not assumed (the invitations may all be heard before it).
    await waitFor(() => asked >= 3 && alice.connectionState === 'connected', 10_000, 'a third session');
    expect(alice.invitations.size).toBe(sent.length);
  }, 30_000);
});

describe('token lifetime', () => {
  it('refuses tokens that live longer than the maximum, on sockets and HTTP', async () => {
    server = await startServer({ maxTokenLifetimeSeconds: 600 });
    const long = await createToken({ secret: SECRET, userID: 'alice', ttlSeconds: 3600 });
    const raw = await openRaw(server.wsUrl);
    raws.push(raw);
    raw.send({ t: 'auth', token: long });
    expect(await raw.closed).toEqual({ code: CloseCode.UNAUTHORIZED, reason: 'token lifetime over 600 s' });
    const res = await api(server, 'GET', '/groups', long);
    expect(res.status).toBe(401);
    // Within the maximum: accepted.
    const fine = await createToken({ secret: SECRET, userID: 'alice', ttlSeconds: 600 });
    expect((await api(server, 'GET', '/groups', fine)).status).toBe(200);
  });

  it('defaults to one day', async () => {
    server = await startServer();
    const day = await createToken({ secret: SECRET, userID: 'alice', ttlSeconds: 24 * 3600 });
    const more = await createToken({ secret: SECRET, userID: 'alice', ttlSeconds: 24 * 3600 + 60 });
    expect((await api(server, 'GET', '/groups', day)).status).toBe(200);
    expect((await api(server, 'GET', '/groups', more)).status).toBe(401);
  });
});

describe('secret', () => {
  it('must be at least 32 bytes outside dev mode', async () => {
    await expect(startServer({ secret: 'x'.repeat(31) })).rejects.toThrow(/at least 32 bytes/);
    // Bytes, not characters: 16 two-byte characters are enough.
    server = await startServer({ secret: 'é'.repeat(16) });
    await server.close();
    server = await startServer({ secret: 'short', dev: true });
    expect(server.port).toBeGreaterThan(0);
  });
});
