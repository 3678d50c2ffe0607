import { useMutation } from '@tanstack/react-query';
import { beckonKeys } from './queryKeys.js';
import { useBeckonApi } from './useBeckonApi.js';
import { useBeckonQueryClient } from './useBeckonQueryClient.js';

/** Joins a group by its code; refreshes the group list and its members. */
export function useJoinGroup() {
  const api = useBeckonApi('useJoinGroup');
  const queryClient = useBeckonQueryClient('useJoinGroup');
  return useMutation(
    {
      mutationFn: (code: string) => api.joinGroup(code),
      onSuccess: (group) =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: beckonKeys.groups() }),
          queryClient.invalidateQueries({ queryKey: beckonKeys.members(group.groupID) }),
        ]),
    },
    queryClient,
  );
}
