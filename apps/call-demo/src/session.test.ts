/**
 * The call demo's Tencent mode, below the UI: UserSigs from a real endpoint (the Beckon dev
 * server's `/dev/usersig`, over HTTP), `@beckon/tencent` loaded as the demo loads it, and the
 * React runtime that `<BeckonProvider>` builds. Tencent's service is `@beckon/tencent/testing`'s
 * typed fake (no network here): it routes signaling between users, unarbitrated.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BeckonRuntime, createBeckonRuntime } from '@beckon/react';
import { type BeckonServer, createBeckonServer, verifyUserSig } from '@beckon/server';
import { CallType, numericRoomID, parseCallData, systemClock } from '@beckon/signaling';
import { FakeChat, FakeCloud, fakeIsAChat } from '@beckon/tencent/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TencentConfig } from './config.js';
import { fetchUserSig, signInTencent, trtcRoomNumber } from './session.js';

const TRTC = { sdkAppId: 1400000001, secretKey: 'test-secret-key' };
let server: BeckonServer;
let config: TencentConfig;
const stops: Array<() => void> = [];

beforeAll(async () => {
  server = await createBeckonServer({ port: 0, dev: true, trtc: TRTC, logLevel: 'silent' });
  config = { sdkAppId: TRTC.sdkAppId, userSigUrl: '/dev/usersig' };
});
afterAll(() => server.close());
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** A tiny endpoint that answers whatever a test needs. */
async function endpoint(status: number, body: string): Promise<{ url: string; server: Server }> {
  const http = createServer((_req, res) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(body),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  stops.push(() => http.close());
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/usersig`, server: http };
}

describe('UserSigs from the configured endpoint', () => {
  it('asks with the user id and gets a UserSig for that user and SDKAppID', async () => {
    const userSig = await fetchUserSig(config, 'alice', { base: server.url });
    expect(verifyUserSig({ ...TRTC, userId: 'alice', userSig })).toMatchObject({ ok: true });
  });

  it('says what went wrong, with the endpoint and its reason', async () => {
    const refused = fetchUserSig(config, 'x'.repeat(129), { base: server.url });
    await expect(refused).rejects.toThrow(/dev\/usersig answered 400: userID must be a 1\.\.128/);

    const noTrtc = await createBeckonServer({ port: 0, dev: true, logLevel: 'silent' });
    try {
      await expect(fetchUserSig(config, 'alice', { base: noTrtc.url })).rejects.toThrow(
        /answered 404: set TRTC_SDK_APP_ID and TRTC_SECRET_KEY/,
      );
    } finally {
      await noTrtc.close();
    }

    const text = await endpoint(200, 'not json');
    await expect(fetchUserSig({ ...config, userSigUrl: text.url }, 'alice')).rejects.toThrow(
      /must answer JSON \{ "userSig": "…" \}/,
    );
    const other = await endpoint(200, JSON.stringify({ userSig: 'sig', sdkAppId: 20000 }));
    await expect(fetchUserSig({ ...config, userSigUrl: other.url }, 'alice')).rejects.toThrow(
      /signs for SDKAppID 20000, but this demo is built for 1400000001/,
    );

    const closed = await endpoint(200, '{}');
    await new Promise((resolve) => closed.server.close(resolve));
    await expect(fetchUserSig({ ...config, userSigUrl: closed.url }, 'alice')).rejects.toThrow(
      /could not reach the UserSig endpoint http:\/\/127\.0\.0\.1:\d+\/usersig/,
    );
  });

  it('makes TUICallKit-style room ids: TRTC room numbers', () => {
    for (let i = 0; i < 1000; i++) {
      const room = numericRoomID(trtcRoomNumber());
      expect(room).toBeGreaterThanOrEqual(1);
      expect(room).toBeLessThanOrEqual(2_147_483_647);
    }
  });
});

describe('signing in on Tencent Cloud Chat', () => {
  const cloud = new FakeCloud(systemClock);
  const chats = new Map<string, FakeChat>();

  async function person(userID: string): Promise<{ runtime: BeckonRuntime; chat: () => FakeChat }> {
    const session = await signInTencent(userID, config, {
      base: server.url,
      createChat: ({ SDKAppID }) => {
        expect(SDKAppID).toBe(TRTC.sdkAppId);
        const chat = new FakeChat();
        cloud.join(userID, chat);
        // Tencent's SDK becomes ready a moment after the login resolves.
        chat.script('login', () => {
          setTimeout(() => chat.becomeReady(), 5);
          return { code: 0, data: { repeatLogin: false } };
        });
        chats.set(userID, chat);
        return fakeIsAChat(chat);
      },
    });
    expect(session).toMatchObject({ mode: 'tencent', userID, trtc: { sdkAppId: TRTC.sdkAppId } });
    const runtime = createBeckonRuntime(session.client, { newRoomID: trtcRoomNumber });
    stops.push(runtime.start(), () => session.client.close());
    session.client.connect();
    await expect.poll(() => runtime.store.getState().connection).toBe('connected');
    const chat = () => chats.get(userID) ?? expect.unreachable(`${userID} has no chat`);
    // Logged in with the endpoint's UserSig; TRTC gets one from the same endpoint.
    const [login] = chat().callsOf('login') as Array<{ userID: string; userSig: string }>;
    expect(login?.userID).toBe(userID);
    expect(verifyUserSig({ ...TRTC, userId: userID, userSig: login?.userSig ?? '' })).toMatchObject({
      ok: true,
    });
    expect(verifyUserSig({ ...TRTC, userId: userID, userSig: await session.trtc.userSig() })).toMatchObject({
      ok: true,
    });
    return { runtime, chat };
  }

  it('a call rings the other user with TUICallKit call data in a TRTC room number, and ends with call_end', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const phase = (p: { runtime: BeckonRuntime }) => p.runtime.store.getState().call.phase;

    await alice.runtime.calls.dial('bob', { callType: CallType.VIDEO });
    await expect.poll(() => phase(bob)).toBe('ringing');
    const [invite] = alice.chat().callsOf('invite') as Array<{
      userID: string;
      data: string;
      timeout: number;
    }>;
    expect(invite).toMatchObject({ userID: 'bob', timeout: 30 });
    const wire = JSON.parse(invite?.data ?? '{}') as { room_id: unknown; data: { room_id: unknown } };
    expect(wire).toMatchObject({ businessID: 'av_call', call_type: 2, data: { cmd: 'videoCall' } });
    expect(typeof wire.room_id).toBe('number'); // as TUICallKit sends it, so its apps join the same room
    expect(wire.data.room_id).toBe(wire.room_id);
    expect(bob.runtime.store.getState().call).toMatchObject({ peer: 'alice', roomID: String(wire.room_id) });

    await bob.runtime.calls.accept();
    await expect.poll(() => phase(alice)).toBe('connecting');
    for (const p of [alice, bob]) p.runtime.calls.remoteEntered();
    expect(phase(alice)).toBe('inCall');
    await bob.runtime.calls.hangUp();
    await expect.poll(() => phase(alice)).toBe('ended');
    expect(alice.runtime.store.getState().call).toMatchObject({ endReason: 'hungUp', endedBy: 'remote' });
    const notice = (bob.chat().callsOf('invite') as Array<{ data: string; timeout: number }>).at(-1);
    expect(notice?.timeout).toBe(0);
    expect(parseCallData(notice?.data ?? '')).toMatchObject({ ok: true, value: { cmd: 'hangup' } });
  });
});
