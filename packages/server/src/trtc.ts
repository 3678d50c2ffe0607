/** TRTC credentials from the environment (TRTC_SDK_APP_ID, TRTC_SECRET_KEY), when both are set. */
export function trtcFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const sdkAppId = Number(env.TRTC_SDK_APP_ID);
  const secretKey = env.TRTC_SECRET_KEY;
  return Number.isInteger(sdkAppId) && sdkAppId > 0 && secretKey ? { sdkAppId, secretKey } : undefined;
}
