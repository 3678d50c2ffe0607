import type { SignalingClient } from '@beckon/signaling';
import { useBeckonRuntime, useMaybeBeckonRuntime } from './context.js';

/**
 * The provider's signaling client.
 *
 * @example
 * const client = useBeckonClient();
 * await client.invite('bob', data);
 */
export function useBeckonClient(): SignalingClient {
  return useBeckonRuntime('useBeckonClient').client;
}

/** The provider's client, or undefined outside a `<BeckonProvider>`. */
export function useMaybeBeckonClient(): SignalingClient | undefined {
  return useMaybeBeckonRuntime()?.client;
}
