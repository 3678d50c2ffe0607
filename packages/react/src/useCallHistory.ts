import { parseCallData } from '@beckon/signaling';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useBeckonRuntime } from './context.js';
import { beckonKeys } from './queryKeys.js';
import { useBeckonApi } from './useBeckonApi.js';
import { useBeckonQueryClient } from './useBeckonQueryClient.js';

/** Time for this side's own call-end invitation to reach the server after a local hang-up. */
const AFTER_LOCAL_END_MS = 300;

/**
 * This user's call history from the server (TanStack Query). It refetches when the peer's
 * call-end invitation arrives, when a call invitation ends, and after this side ends a call.
 */
export function useCallHistory() {
  const api = useBeckonApi('useCallHistory');
  const { client, store } = useBeckonRuntime('useCallHistory');
  const queryClient = useBeckonQueryClient('useCallHistory');
  useEffect(() => {
    const refresh = () => void queryClient.invalidateQueries({ queryKey: beckonKeys.history() });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const offs = [
      client.on('onReceiveNewInvitation', (e) => {
        const info = parseCallData(e.data);
        if (info.ok && info.value.cmd === 'hangup') refresh();
      }),
      store.subscribe((s, prev) => {
        const endedCall = Object.keys(s.ended).some(
          (id) => !(id in prev.ended) && parseCallData(s.ended[id]?.invitation.data ?? '').ok,
        );
        if (endedCall) refresh();
        if (s.call.phase === 'ended' && prev.call.phase !== 'ended') {
          clearTimeout(timer);
          timer = setTimeout(refresh, AFTER_LOCAL_END_MS);
        }
      }),
    ];
    return () => {
      clearTimeout(timer);
      for (const off of offs) off();
    };
  }, [client, store, queryClient]);
  return useQuery({ queryKey: beckonKeys.history(), queryFn: () => api.history() }, queryClient);
}
