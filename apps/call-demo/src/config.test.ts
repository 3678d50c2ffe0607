import { describe, expect, it } from 'vitest';
import { readDemoMode } from './config.js';

describe('the call demo mode', () => {
  it('is the Beckon server without Tencent credentials: nothing changes', () => {
    expect(readDemoMode({})).toEqual({ kind: 'beckon' });
    expect(readDemoMode({ VITE_TENCENT_SDK_APP_ID: ' ', VITE_TENCENT_USERSIG_URL: '' })).toEqual({
      kind: 'beckon',
    });
  });

  it('is Tencent Cloud Chat with an SDKAppID and a UserSig endpoint', () => {
    expect(
      readDemoMode({ VITE_TENCENT_SDK_APP_ID: '1400000001', VITE_TENCENT_USERSIG_URL: '/dev/usersig' }),
    ).toEqual({ kind: 'tencent', config: { sdkAppId: 1400000001, userSigUrl: '/dev/usersig' } });
    expect(
      readDemoMode({
        VITE_TENCENT_SDK_APP_ID: ' 20000 ',
        VITE_TENCENT_USERSIG_URL: 'https://api.example.com/usersig',
      }),
    ).toEqual({
      kind: 'tencent',
      config: { sdkAppId: 20000, userSigUrl: 'https://api.example.com/usersig' },
    });
  });

  it.each([
    [
      { VITE_TENCENT_SDK_APP_ID: '1400000001' },
      'VITE_TENCENT_SDK_APP_ID is set, VITE_TENCENT_USERSIG_URL is not',
    ],
    [
      { VITE_TENCENT_USERSIG_URL: '/usersig' },
      'VITE_TENCENT_USERSIG_URL is set, VITE_TENCENT_SDK_APP_ID is not',
    ],
    [{ VITE_TENCENT_SDK_APP_ID: '14e8', VITE_TENCENT_USERSIG_URL: '/u' }, 'must be a positive integer'],
    [{ VITE_TENCENT_SDK_APP_ID: '-1', VITE_TENCENT_USERSIG_URL: '/u' }, 'must be a positive integer'],
    [{ VITE_TENCENT_SDK_APP_ID: '99999999999999999999', VITE_TENCENT_USERSIG_URL: '/u' }, 'positive integer'],
    [{ VITE_TENCENT_SDK_APP_ID: '1', VITE_TENCENT_USERSIG_URL: 'javascript:alert(1)' }, 'http(s) URL'],
    [{ VITE_TENCENT_SDK_APP_ID: '1', VITE_TENCENT_USERSIG_URL: 'http://[::1' }, 'is not a URL'],
  ])('a half or wrong configuration is an error, never a silent fallback: %o', (env, message) => {
    const mode = readDemoMode(env);
    expect(mode.kind).toBe('misconfigured');
    expect(mode.kind === 'misconfigured' && mode.message).toContain(message);
  });
});
