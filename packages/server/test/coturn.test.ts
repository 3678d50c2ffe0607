// The credentials of GET /ice-servers against a real coturn (our own instance, deploy/coturn/test.conf):
// it grants a relay for them, and refuses expired ones and ones signed with another secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Coturn, findTurnserver, MISSING_TURNSERVER, startCoturn } from '../../../scripts/coturn.js';
import { turnAllocate } from '../../../scripts/turnClient.js';
import { createToken } from '../src/auth.js';
import { turnCredentials } from '../src/iceServers.js';
import type { BeckonServer } from '../src/server.js';
import { api, SECRET, startServer } from './helpers.js';

const haveTurnserver = findTurnserver() !== undefined;
if (!haveTurnserver && process.env.CI)
  throw new Error(`CI needs coturn for the TURN tests: ${MISSING_TURNSERVER}`);
if (!haveTurnserver) console.warn(`TURN tests not run: ${MISSING_TURNSERVER}`);

describe.runIf(haveTurnserver)('coturn and the TURN REST API credentials', () => {
  let turn: Coturn;
  let server: BeckonServer;
  beforeAll(async () => {
    turn = await startCoturn();
    server = await startServer({
      iceServers: { turnUrls: [turn.turnUrl], secret: turn.secret, ttlSeconds: 300 },
    });
  }, 20_000);
  afterAll(async () => {
    await server?.close();
    await turn?.stop();
  });

  const allocate = (username: string, password: string) =>
    turnAllocate(turn.host, turn.port, { username, password });

  it('grants a relay for the credentials the server hands a signed-in user', async () => {
    const token = await createToken({ secret: SECRET, userID: 'alice' });
    const { body } = await api(server, 'GET', '/ice-servers', token);
    const [relay] = body.iceServers as { urls: string[]; username: string; credential: string }[];
    expect(relay?.urls).toEqual([turn.turnUrl]);
    const result = await allocate(relay?.username ?? '', relay?.credential ?? '');
    expect(result, turn.log()).toMatchObject({ ok: true });
    expect(result.ok && result.relayedPort).toBeGreaterThan(0);
  });

  it('refuses expired credentials', async () => {
    const expired = turnCredentials(turn.secret, 'alice', Math.floor(Date.now() / 1000) - 5);
    expect(await allocate(expired.username, expired.credential)).toEqual({
      ok: false,
      code: 401,
      reason: 'Unauthorized',
    });
  });

  it('refuses credentials signed with another secret, and a tampered user name', async () => {
    const expiry = Math.floor(Date.now() / 1000) + 300;
    const wrong = turnCredentials(`${turn.secret}-not`, 'alice', expiry);
    expect(await allocate(wrong.username, wrong.credential)).toMatchObject({ ok: false, code: 401 });
    const good = turnCredentials(turn.secret, 'alice', expiry);
    expect(await allocate(`${expiry}:mallory`, good.credential)).toMatchObject({ ok: false, code: 401 });
    expect(await allocate(`${expiry + 86_400}:alice`, good.credential)).toMatchObject({
      ok: false,
      code: 401,
    });
  });
});
