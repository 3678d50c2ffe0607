import { createHmac } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createUserSig, decodeUserSig, verifyUserSig } from './userSig.js';

// A made-up key: test vectors only.
const secretKey = 'beckon-test-key-0123456789abcdef';
const sdkAppId = 1400000000;
const currentTime = 1700000000;
const expireSeconds = 86400;

/** Undoes the URL-safe variant ('*' '-' '_' for '+' '/' '='), then base64 and zlib. */
function inflate(userSig: string): string {
  const base64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
  return inflateSync(Buffer.from(base64, 'base64')).toString('utf8');
}

function toUserSigBase64(buffer: Buffer): string {
  return buffer.toString('base64').replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

// Computed independently (Python's hmac, hashlib, json and zlib) from the algorithm's published
// description: HMAC-SHA256 over "TLS.identifier:alice\nTLS.sdkappid:1400000000\n
// TLS.time:1700000000\nTLS.expire:86400\n" with the key above, base64.
const EXPECTED_SIG = 'DxsvPtQazRtsPY/Ns8amO7r6bY4gwiFMatbDYBVmCWc=';
const EXPECTED_JSON =
  '{"TLS.ver":"2.0","TLS.identifier":"alice","TLS.sdkappid":1400000000,"TLS.time":1700000000,' +
  `"TLS.expire":86400,"TLS.sig":"${EXPECTED_SIG}"}`;
const PYTHON_USER_SIG =
  'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwok5mcmpUInilOzEgoLMFCUrQxMDKIDIlGTmpgJFzVFFUysKMouA4hZmJjCh4sx0oKEu' +
  'FcVlASWBiVVBJcUBkfp*xRaJuf7mRWZJkSbp5ZluvoklSS6RTmG5zuHJtkq1AKSjMW4_';

describe('createUserSig (TLSSigAPIv2)', () => {
  const userSig = createUserSig({ sdkAppId, secretKey, userId: 'alice', expireSeconds, currentTime });

  it('is URL-safe base64 of zlib-deflated JSON', () => {
    expect(userSig).toMatch(/^[A-Za-z0-9*_-]+$/);
    expect(inflate(userSig).startsWith('{')).toBe(true);
    expect(Buffer.from(userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64')[0]).toBe(
      0x78,
    );
  });

  it('matches the fixed-time test vector, field for field and in order', () => {
    expect(inflate(userSig)).toBe(EXPECTED_JSON);
  });

  it('signs exactly the published content string', () => {
    const doc = JSON.parse(inflate(userSig)) as Record<string, unknown>;
    const content = 'TLS.identifier:alice\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:86400\n';
    expect(doc['TLS.sig']).toBe(createHmac('sha256', secretKey).update(content).digest('base64'));
    expect(doc['TLS.sig']).toBe(EXPECTED_SIG);
  });

  it('verifies, and a UserSig made by another implementation verifies too', () => {
    expect(verifyUserSig({ userSig, sdkAppId, secretKey, userId: 'alice', currentTime })).toEqual({
      ok: true,
      document: JSON.parse(EXPECTED_JSON),
    });
    expect(inflate(PYTHON_USER_SIG)).toBe(EXPECTED_JSON);
    expect(verifyUserSig({ userSig: PYTHON_USER_SIG, sdkAppId, secretKey, currentTime }).ok).toBe(true);
  });

  it('signs user ids outside ASCII as UTF-8', () => {
    const sig = createUserSig({ sdkAppId, secretKey, userId: '李雷', expireSeconds, currentTime });
    expect(decodeUserSig(sig)?.['TLS.sig']).toBe('Dv7L2qs8gFI+2MiEHpU5PyaLkSC0K95waN3IOsFo8/Y=');
    expect(verifyUserSig({ userSig: sig, sdkAppId, secretKey, userId: '李雷', currentTime }).ok).toBe(true);
  });

  it('defaults to now and one day', () => {
    const before = Math.floor(Date.now() / 1000);
    const doc = decodeUserSig(createUserSig({ sdkAppId, secretKey, userId: 'bob' }));
    expect(doc?.['TLS.expire']).toBe(86400);
    expect(doc?.['TLS.time']).toBeGreaterThanOrEqual(before);
    expect(doc?.['TLS.time']).toBeLessThanOrEqual(before + 2);
  });

  it('refuses bad parameters', () => {
    const ok = { sdkAppId, secretKey, userId: 'alice' };
    expect(() => createUserSig({ ...ok, sdkAppId: 0 })).toThrow(RangeError);
    expect(() => createUserSig({ ...ok, sdkAppId: 1.5 })).toThrow(RangeError);
    expect(() => createUserSig({ ...ok, secretKey: '' })).toThrow(RangeError);
    expect(() => createUserSig({ ...ok, userId: '' })).toThrow(RangeError);
    expect(() => createUserSig({ ...ok, expireSeconds: 0 })).toThrow(RangeError);
    expect(() => createUserSig({ ...ok, expireSeconds: -1 })).toThrow(RangeError);
  });
});

describe('verifyUserSig', () => {
  const userSig = createUserSig({ sdkAppId, secretKey, userId: 'alice', expireSeconds, currentTime });
  const check = (overrides: Partial<Parameters<typeof verifyUserSig>[0]>) =>
    verifyUserSig({ userSig, sdkAppId, secretKey, userId: 'alice', currentTime, ...overrides });

  it('refuses another key, app or user', () => {
    expect(check({ secretKey: `${secretKey}x` })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check({ sdkAppId: sdkAppId + 1 })).toEqual({ ok: false, reason: 'wrong-app' });
    expect(check({ userId: 'mallory' })).toEqual({ ok: false, reason: 'wrong-user' });
  });

  it('expires at time + expire', () => {
    expect(check({ currentTime: currentTime + expireSeconds - 1 }).ok).toBe(true);
    expect(check({ currentTime: currentTime + expireSeconds })).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a document edited after signing', () => {
    const doc = JSON.parse(inflate(userSig)) as Record<string, unknown>;
    for (const [field, value] of [
      ['TLS.identifier', 'mallory'],
      ['TLS.expire', 86400 * 365],
      ['TLS.time', currentTime + 1000],
    ] as const) {
      const forged = toUserSigBase64(deflateSync(Buffer.from(JSON.stringify({ ...doc, [field]: value }))));
      const result = verifyUserSig({ userSig: forged, sdkAppId, secretKey, currentTime });
      expect(result, field).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('refuses what is not a UserSig', () => {
    const notJson = toUserSigBase64(deflateSync(Buffer.from('hello')));
    const wrongVersion = toUserSigBase64(
      deflateSync(Buffer.from(JSON.stringify({ ...JSON.parse(EXPECTED_JSON), 'TLS.ver': '1' }))),
    );
    for (const bad of [
      '',
      'abc',
      'not base64!',
      userSig.slice(0, 20),
      `+${userSig}`,
      notJson,
      wrongVersion,
    ]) {
      expect(verifyUserSig({ userSig: bad, sdkAppId, secretKey, currentTime }), bad).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });
});
