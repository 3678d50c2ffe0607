import { useEffect, useState } from 'react';
import { useBeckonRuntime } from './context.js';

/**
 * The server's clock, refreshed every `intervalMs` (default 1 s) while `active`: countdowns
 * shown to both parties agree because they read the arbiter's time, not the device's.
 */
export function useServerNow(intervalMs = 1000, active = true): number {
  const { client } = useBeckonRuntime('useServerNow');
  const [now, setNow] = useState(() => client.serverNow());
  useEffect(() => {
    if (!active) return;
    setNow(client.serverNow());
    const timer = setInterval(() => setNow(client.serverNow()), intervalMs);
    return () => clearInterval(timer);
  }, [client, intervalMs, active]);
  return now;
}
