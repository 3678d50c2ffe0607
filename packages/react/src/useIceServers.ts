import { queryOptions, skipToken, useQuery } from '@tanstack/react-query';
import { useCallback, useContext } from 'react';
import type { BeckonApi, IceServers } from './api.js';
import { BeckonApiContext, useBeckonRuntime } from './context.js';
import { beckonKeys } from './queryKeys.js';
import { useBeckonQueryClient } from './useBeckonQueryClient.js';

/** Credentials are fetched again when a fifth of their lifetime is left, at most 5 minutes before. */
const MAX_MARGIN_MS = 5 * 60_000;

/** Milliseconds until `data` should be fetched again; Infinity when it never expires. */
export function msUntilRefresh(data: IceServers | undefined, fetchedAt: number, now: number): number {
  if (data?.expiresAt == null) return Number.POSITIVE_INFINITY;
  const margin = Math.min(MAX_MARGIN_MS, Math.max(0, data.expiresAt - fetchedAt) / 5);
  return Math.max(0, data.expiresAt - margin - now);
}

/**
 * The TanStack Query options of `GET /ice-servers`: fresh until shortly before the TURN
 * credentials expire, refetched then (also in a background tab: a call may be running).
 */
export function iceServersQuery(api: BeckonApi) {
  return queryOptions({
    queryKey: beckonKeys.iceServers(),
    queryFn: () => api.iceServers(),
    staleTime: (query) => msUntilRefresh(query.state.data, query.state.dataUpdatedAt, Date.now()),
    refetchInterval: (query) => {
      const wait = msUntilRefresh(query.state.data, query.state.dataUpdatedAt, Date.now());
      return Number.isFinite(wait) ? Math.max(1000, wait) : false;
    },
    refetchIntervalInBackground: true,
  });
}

export interface UseIceServersResult {
  /** The server's answer; undefined until it comes (or when it failed). */
  readonly data: IceServers | undefined;
  readonly error: Error | null;
  /** True once there is an answer or an error: a media room can be made. */
  readonly ready: boolean;
  /**
   * The current servers, fetched again first if their credentials are about to expire. Hand it
   * to `WebRtcRoom`'s `iceServers`: it is asked again before every ICE restart.
   */
  readonly current: () => Promise<RTCIceServer[]>;
}

/**
 * This user's STUN/TURN servers from the Beckon server, kept fresh before the TURN credentials
 * expire. `enabled: false` (a mode without a Beckon server) needs no API and gives none.
 *
 * @example
 * const ice = useIceServers();
 * const room = new WebRtcRoom({
 *   signaling,
 *   iceServers: ice.current,
 *   iceTransportPolicy: ice.data?.iceTransportPolicy ?? 'all',
 * });
 */
export function useIceServers(options: { readonly enabled?: boolean } = {}): UseIceServersResult {
  const enabled = options.enabled ?? true;
  useBeckonRuntime('useIceServers');
  const api = useContext(BeckonApiContext);
  if (enabled && api === undefined) {
    throw new Error(
      'useIceServers needs the server API: pass api={createHttpApi({ baseUrl, token })} to <BeckonProvider>',
    );
  }
  const queryClient = useBeckonQueryClient('useIceServers');
  const live = enabled ? api : undefined;
  const query = useQuery(
    live ? iceServersQuery(live) : { queryKey: beckonKeys.iceServers(), queryFn: skipToken },
    queryClient,
  );
  const current = useCallback(
    async () => (live ? (await queryClient.fetchQuery(iceServersQuery(live))).iceServers : []),
    [queryClient, live],
  );
  return {
    data: live ? query.data : undefined,
    error: live ? query.error : null,
    ready: !live || query.data !== undefined || query.error !== null,
    current,
  };
}
