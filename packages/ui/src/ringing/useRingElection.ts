import { useEffect, useState } from 'react';

const CHANNEL = 'beckon-ringing';
const SETTLE_MS = 120;

type Message = { type: 'claim'; key: string; tab: string };

/**
 * Only one tab of a browser rings for the same invitation: tabs that show it claim it over a
 * BroadcastChannel and the lowest tab id wins; the others show the call silently. Without
 * BroadcastChannel every tab rings.
 */
export function useRingElection(key: string | undefined): boolean {
  const [ringer, setRinger] = useState(false);
  useEffect(() => {
    if (key === undefined) return;
    const Channel = (globalThis as { BroadcastChannel?: typeof BroadcastChannel }).BroadcastChannel;
    if (Channel === undefined) {
      setRinger(true);
      return;
    }
    const tab = globalThis.crypto.randomUUID();
    const channel = new Channel(CHANNEL);
    let lost = false;
    channel.onmessage = (event: MessageEvent<Message>) => {
      const m = event.data;
      if (m?.type !== 'claim' || m.key !== key || m.tab === tab) return;
      if (m.tab < tab) {
        lost = true;
        setRinger(false);
      } else {
        // A newer tab: remind it that this one is here.
        channel.postMessage({ type: 'claim', key, tab } satisfies Message);
      }
    };
    channel.postMessage({ type: 'claim', key, tab } satisfies Message);
    const settle = setTimeout(() => setRinger(!lost), SETTLE_MS);
    return () => {
      clearTimeout(settle);
      channel.close();
      setRinger(false);
    };
  }, [key]);
  return ringer;
}
