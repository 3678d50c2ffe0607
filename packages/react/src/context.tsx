import type { SignalingClient } from '@beckon/signaling';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useLayoutEffect, useState } from 'react';
import type { BeckonApi } from './api.js';
import { CallController, type CallControllerOptions } from './callController.js';
import { type BeckonStore, createBeckonStore } from './store.js';

/** Everything the hooks share for one client. */
export interface BeckonRuntime {
  readonly client: SignalingClient;
  readonly store: BeckonStore;
  readonly calls: CallController;
  /** Subscribes the store and controllers; returns the cleanup. Safe to run twice (StrictMode). */
  readonly start: () => () => void;
}

export function createBeckonRuntime(
  client: SignalingClient,
  callOptions?: CallControllerOptions,
): BeckonRuntime {
  const { store, start: startStore } = createBeckonStore(client);
  const calls = new CallController(client, store, callOptions);
  return {
    client,
    store,
    calls,
    start() {
      const stopStore = startStore();
      const stopCalls = calls.start();
      return () => {
        stopCalls();
        stopStore();
      };
    },
  };
}

const BeckonContext = createContext<BeckonRuntime | undefined>(undefined);
/** The HTTP API apart from the runtime, so replacing it never rebuilds the store. */
export const BeckonApiContext = createContext<BeckonApi | undefined>(undefined);

export interface BeckonProviderProps {
  readonly client: SignalingClient;
  /** The server's HTTP API, for members and history; see `createHttpApi`. */
  readonly api?: BeckonApi;
  /** Reuse the app's QueryClient; one is created when absent. */
  readonly queryClient?: QueryClient;
  /** Connect the client on mount (default true). */
  readonly autoConnect?: boolean;
  readonly callOptions?: CallControllerOptions;
  readonly children?: ReactNode;
}

/**
 * Provides a signaling client, its store and the query client to the hooks below it.
 *
 * @example
 * <BeckonProvider client={client} api={createHttpApi({ baseUrl, token })}>
 *   <App />
 * </BeckonProvider>
 */
export function BeckonProvider(props: BeckonProviderProps) {
  const { client, api, autoConnect = true, callOptions } = props;
  const [runtime, setRuntime] = useState(() => createBeckonRuntime(client, callOptions));
  const [ownQueryClient] = useState(() => props.queryClient ?? new QueryClient());
  if (runtime.client !== client) {
    // A new client: build a new runtime (render-phase update, as React recommends). A new `api`
    // object (an inline createHttpApi call) only changes the context below, never the store.
    setRuntime(createBeckonRuntime(client, callOptions));
  }
  // A layout effect, so the store and the call controller listen before any child's effect
  // (a dial on mount, say) can cause events.
  useLayoutEffect(() => runtime.start(), [runtime]);
  useEffect(() => {
    if (autoConnect) client.connect();
  }, [client, autoConnect]);
  return (
    <QueryClientProvider client={props.queryClient ?? ownQueryClient}>
      <BeckonContext.Provider value={runtime}>
        <BeckonApiContext.Provider value={api}>{props.children}</BeckonApiContext.Provider>
      </BeckonContext.Provider>
    </QueryClientProvider>
  );
}

/** The runtime, or undefined outside a provider. */
export function useMaybeBeckonRuntime(): BeckonRuntime | undefined {
  return useContext(BeckonContext);
}

/** The runtime; throws, naming the hook, outside a provider. */
export function useBeckonRuntime(hook = 'useBeckonClient'): BeckonRuntime {
  const runtime = useContext(BeckonContext);
  if (runtime === undefined) throw new Error(`${hook} must be used within <BeckonProvider>`);
  return runtime;
}
