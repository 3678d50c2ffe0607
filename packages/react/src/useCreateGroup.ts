import { useMutation } from '@tanstack/react-query';
import { beckonKeys } from './queryKeys.js';
import { useBeckonApi } from './useBeckonApi.js';
import { useBeckonQueryClient } from './useBeckonQueryClient.js';

/** Creates a group (a class); resolves with its join code. */
export function useCreateGroup() {
  const api = useBeckonApi('useCreateGroup');
  const queryClient = useBeckonQueryClient('useCreateGroup');
  return useMutation(
    {
      mutationFn: (name: string) => api.createGroup(name),
      onSuccess: () => queryClient.invalidateQueries({ queryKey: beckonKeys.groups() }),
    },
    queryClient,
  );
}
