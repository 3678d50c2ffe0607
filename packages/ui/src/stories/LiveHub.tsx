import { type BeckonApi, BeckonProvider, type CallHistoryEntry } from '@beckon/react';
import { SignalingClient } from '@beckon/signaling';
import { InMemoryHub } from '@beckon/signaling/hub';
import { type ReactNode, useEffect, useLayoutEffect, useState } from 'react';

export interface Live {
  readonly hub: InMemoryHub;
  /** The user the story shows. */
  readonly viewer: SignalingClient;
  /** Another user, connected on first use. */
  user(userID: string): SignalingClient;
}

export interface LiveHubProps {
  readonly viewer: string;
  /** Members of the group `class-1`, when the story needs a classroom. */
  readonly classroom?: readonly string[];
  /** What the other users do once the story is on screen. */
  readonly script?: (live: Live) => Promise<void> | void;
  /** Call history entries for CallHistoryList stories (the real list comes from the server). */
  readonly history?: readonly CallHistoryEntry[];
  /** How long the viewer's calls ring before they time out (default 30 s). */
  readonly ringTimeoutSeconds?: number;
  readonly children: ReactNode;
}

/** A fixture of the HTTP API for stories: the history list reads from it. */
function fixtureApi(history: readonly CallHistoryEntry[]): BeckonApi {
  const none = () => Promise.reject(new Error('not available in stories'));
  return {
    history: async () => [...history],
    members: none,
    createGroup: none,
    joinGroup: none,
    groups: none,
    iceServers: none,
  };
}

/**
 * Stories run on a real in-memory hub: pressing Accept in a story really accepts, and the
 * other users' actions come from `script`.
 */
export function LiveHub(props: LiveHubProps) {
  const [live] = useState<Live>(() => {
    const hub = new InMemoryHub();
    if (props.classroom) hub.setGroup('class-1', props.classroom);
    const others = new Map<string, SignalingClient>();
    const connect = (userID: string) => {
      const client = new SignalingClient({ transport: hub.connect(userID) });
      client.connect();
      return client;
    };
    const viewer = connect(props.viewer);
    return {
      hub,
      viewer,
      user(userID) {
        let client = others.get(userID);
        if (!client) {
          client = connect(userID);
          others.set(userID, client);
        }
        return client;
      },
    };
  });
  const [api] = useState(() => (props.history ? fixtureApi(props.history) : undefined));
  const { script } = props;
  // A layout effect: the script is listening before any child's effect (a dial, say) runs.
  useLayoutEffect(() => {
    void script?.(live);
  }, [live, script]);
  useEffect(() => () => live.hub.close(), [live]);
  return (
    <BeckonProvider
      client={live.viewer}
      {...(api ? { api } : {})}
      {...(props.ringTimeoutSeconds ? { callOptions: { ringTimeoutSeconds: props.ringTimeoutSeconds } } : {})}
    >
      {props.children}
    </BeckonProvider>
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
