/** TanStack Query keys used by Beckon's hooks (invalidate them to refetch). */
export const beckonKeys = {
  all: ['beckon'] as const,
  members: (groupID: string) => ['beckon', 'members', groupID] as const,
  groups: () => ['beckon', 'groups'] as const,
  history: () => ['beckon', 'history'] as const,
  iceServers: () => ['beckon', 'iceServers'] as const,
};
