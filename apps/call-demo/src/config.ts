/// <reference types="vite/client" />

/**
 * The call demo runs on a Beckon server by default. Built with a Tencent SDKAppID and a UserSig
 * endpoint, it runs on Tencent Cloud Chat instead (signaling through `@beckon/tencent`, media
 * through TRTC), with no Beckon server involved in a call.
 */
export interface TencentConfig {
  readonly sdkAppId: number;
  /** `GET <url>?userID=NAME` answers `{ "userSig": "..." }` (absolute, or relative to the page). */
  readonly userSigUrl: string;
}

export type DemoMode =
  | { readonly kind: 'beckon' }
  | { readonly kind: 'tencent'; readonly config: TencentConfig }
  | { readonly kind: 'misconfigured'; readonly message: string };

export interface DemoEnv {
  readonly VITE_TENCENT_SDK_APP_ID?: string | undefined;
  readonly VITE_TENCENT_USERSIG_URL?: string | undefined;
}

declare global {
  interface ImportMetaEnv extends DemoEnv {}
}

const APP_ID = 'VITE_TENCENT_SDK_APP_ID';
const USERSIG_URL = 'VITE_TENCENT_USERSIG_URL';

/** Reads the mode from the build's environment; a half or wrong configuration is an error, never a silent fallback. */
export function readDemoMode(env: DemoEnv): DemoMode {
  const appId = env.VITE_TENCENT_SDK_APP_ID?.trim() ?? '';
  const url = env.VITE_TENCENT_USERSIG_URL?.trim() ?? '';
  if (appId === '' && url === '') return { kind: 'beckon' };
  if (appId === '' || url === '') {
    const [set, missing] = appId === '' ? [USERSIG_URL, APP_ID] : [APP_ID, USERSIG_URL];
    return {
      kind: 'misconfigured',
      message: `Tencent mode needs both ${APP_ID} and ${USERSIG_URL}: ${set} is set, ${missing} is not.`,
    };
  }
  const sdkAppId = Number(appId);
  if (!/^[1-9][0-9]*$/.test(appId) || !Number.isSafeInteger(sdkAppId)) {
    return { kind: 'misconfigured', message: `${APP_ID} must be a positive integer, not "${appId}".` };
  }
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://relative.invalid');
  } catch {
    return { kind: 'misconfigured', message: `${USERSIG_URL} is not a URL: "${url}".` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { kind: 'misconfigured', message: `${USERSIG_URL} must be an http(s) URL, not "${url}".` };
  }
  return { kind: 'tencent', config: { sdkAppId, userSigUrl: url } };
}
