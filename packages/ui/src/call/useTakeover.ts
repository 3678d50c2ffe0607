import { type RefObject, useEffect, useLayoutEffect, useRef } from 'react';
import { inertOthers } from './inertOthers.js';

/**
 * A stage taking over the page while `shown`: with `fit: 'viewport'` everything else is inert;
 * focus is remembered when it opens and given back when it goes (unless that place went inert
 * or away in the meantime).
 */
export function useTakeover(stageRef: RefObject<HTMLElement | null>, shown: boolean, fit: string): void {
  const returnTo = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (!shown) return;
    const stage = stageRef.current;
    const active = document.activeElement as HTMLElement | null;
    if (returnTo.current === null && active && !stage?.contains(active)) returnTo.current = active;
    const undo = fit === 'viewport' && stage ? inertOthers(stage) : undefined;
    return () => {
      undo?.();
    };
  }, [shown, fit, stageRef]);
  useEffect(() => {
    if (shown) return;
    const back = returnTo.current;
    returnTo.current = null;
    if (back?.isConnected && !back.closest('[inert]')) back.focus();
  }, [shown]);
}
