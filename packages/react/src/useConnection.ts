import { useShallow } from 'zustand/react/shallow';
import { useBeckonState } from './useBeckonState.js';

/**
 * Connection state, the signed-in user and the server clock offset.
 *
 * @example
 * const { state, userID } = useConnection();
 */
export function useConnection() {
  return useBeckonState(
    useShallow((s) => ({
      state: s.connection,
      error: s.error,
      userID: s.userID,
      clockOffset: s.clockOffset,
    })),
  );
}
