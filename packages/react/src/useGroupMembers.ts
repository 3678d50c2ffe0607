import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useBeckonRuntime } from './context.js';
import { beckonKeys } from './queryKeys.js';
import { useBeckonApi } from './useBeckonApi.js';
import { useBeckonQueryClient } from './useBeckonQueryClient.js';

/**
 * A group's members with their online state (TanStack Query). The server's group notices
 * (someone joined, left, came online or went away) refetch it.
 *
 * @example
 * const { data } = useGroupMembers(groupID);
 * data?.members.map((m) => <li key={m.userID}>{m.userID} {m.online ? 'online' : ''}</li>);
 */
export function useGroupMembers(groupID: string | undefined) {
  const api = useBeckonApi('useGroupMembers');
  const { client } = useBeckonRuntime('useGroupMembers');
  const queryClient = useBeckonQueryClient('useGroupMembers');
  useEffect(() => {
    if (!groupID) return;
    return client.on('onGroupChanged', (e) => {
      if (e.groupID === groupID)
        void queryClient.invalidateQueries({ queryKey: beckonKeys.members(groupID) });
    });
  }, [client, queryClient, groupID]);
  return useQuery(
    {
      queryKey: beckonKeys.members(groupID ?? ''),
      queryFn: () => api.members(groupID ?? ''),
      enabled: Boolean(groupID),
    },
    queryClient,
  );
}
