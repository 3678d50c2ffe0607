import { useCallback, useEffect, useState } from 'react';

type Permission = 'default' | 'granted' | 'denied' | 'unsupported';

function currentPermission(): Permission {
  const N = (globalThis as { Notification?: typeof Notification }).Notification;
  return N === undefined ? 'unsupported' : N.permission;
}

/**
 * Shows a system notification for a ringing call while the page is hidden, and closes it when
 * the call stops ringing (answered here, elsewhere, cancelled or timed out).
 */
export function useCallNotification(
  active: boolean,
  notice: { title: string; body: string; tag: string },
): { permission: Permission; request: () => void } {
  const [permission, setPermission] = useState<Permission>('unsupported');
  useEffect(() => setPermission(currentPermission()), []);

  const { title, body, tag } = notice;
  useEffect(() => {
    const N = (globalThis as { Notification?: typeof Notification }).Notification;
    if (!active || N === undefined || N.permission !== 'granted') return;
    let shown: Notification | undefined;
    const show = () => {
      if (document.visibilityState === 'hidden' && shown === undefined) shown = new N(title, { body, tag });
      if (document.visibilityState === 'visible') {
        shown?.close();
        shown = undefined;
      }
    };
    show();
    document.addEventListener('visibilitychange', show);
    return () => {
      document.removeEventListener('visibilitychange', show);
      shown?.close();
    };
  }, [active, title, body, tag]);

  /** Must run from a user gesture (browsers ignore requests made without one). */
  const request = useCallback(() => {
    const N = (globalThis as { Notification?: typeof Notification }).Notification;
    if (N === undefined) return;
    void N.requestPermission().then((p) => setPermission(p));
  }, []);

  return { permission, request };
}
