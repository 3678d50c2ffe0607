import { useStore } from 'zustand';
import { useBeckonRuntime } from './context.js';
import type { BeckonState } from './store.js';

/**
 * Reads the Beckon store through a selector: a component re-renders only when what its
 * selector returns changes (use `useShallow` for selectors that build arrays or objects).
 *
 * @example
 * const count = useBeckonState((s) => Object.keys(s.invitations).length);
 */
export function useBeckonState<T>(selector: (state: BeckonState) => T): T {
  return useStore(useBeckonRuntime('useBeckonState').store, selector);
}
