import type { SignalingClient } from '@beckon/signaling';
import { CallController, type CallControllerOptions } from '@beckon/signaling/call';
import type { QueryClient } from '@tanstack/react-query';
import {
  createContext,
  createElement,
  type ReactNode,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useState,
} from 'react';
import type { BeckonApi } from './api.js';
import { type BeckonStore, createBeckonStore } from './store.js';

/** Everything the hooks share for one client. */
export interface BeckonRuntime {
  readonly client: SignalingClient;
  readonly store: BeckonStore;
  readonly calls: CallController;
  /** Subscribes the store and controllers; returns the cleanup. Safe to run twice (StrictMode). */
  readonly start: () => () => void;
}

/** Options of the call controller; its state always lives in the runtime's store. */
export type BeckonCallOptions = Omit<CallControllerOptions, 'store'>;

export function createBeckonRuntime(client: SignalingClient, callOptions?: BeckonCallOptions): BeckonRuntime {
  const { store, start: startStore } = createBeckonStore(client);
  const calls = new CallController(client, {
    ...callOptions,
    store: { getState: () => store.getState().call, setState: (call) => store.setState({ call }) },
  });
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

/**
 * The QueryClient the provider was given, and a slot for the one the query hooks create when
 * the app has none. Only a type from TanStack Query here: an app that never calls a query hook
 * does not bundle it.
 */
export interface BeckonQuerySlot {
  readonly queryClient: QueryClient | undefined;
  /** Filled by the first query hook that finds no QueryClient; one per provider. */
  readonly fallback: { current: QueryClient | undefined };
}
export const BeckonQueryContext = createContext<BeckonQuerySlot | undefined>(undefined);

export interface BeckonProviderProps {
  readonly client: SignalingClient;
  /** The server's HTTP API, for members and history; see `createHttpApi`. */
  readonly api?: BeckonApi;
  /**
   * The QueryClient for the query hooks (members, history, groups). Without it they use the
   * one of an enclosing `<QueryClientProvider>`, and only when there is none, one of their own.
   */
  readonly queryClient?: QueryClient;
  /** Connect the client on mount (default true). */
  readonly autoConnect?: boolean;
  readonly callOptions?: BeckonCallOptions;
  readonly children?: ReactNode;
}

/**
 * Provides a signaling client and its store to the hooks below it. It installs no
 * QueryClientProvider: the app's own QueryClient stays the one its components see.
 *
 * @example
 * <BeckonProvider client={client} api={createHttpApi({ baseUrl, token })}>
 *   <App />
 * </BeckonProvider>
 */
export function BeckonProvider(props: BeckonProviderProps) {
  const { client, api, autoConnect = true, callOptions } = props;
  const [runtime, setRuntime] = useState(() => createBeckonRuntime(client, callOptions));
  const { queryClient } = props;
  const [fallback] = useState<{ current: QueryClient | undefined }>(() => ({ current: undefined }));
  const querySlot = useMemo<BeckonQuerySlot>(() => ({ queryClient, fallback }), [queryClient, fallback]);
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
  // createElement rather than JSX: the hooks row then needs nothing from react/jsx-runtime.
  const apiLayer = createElement(BeckonApiContext.Provider, { value: api }, props.children);
  const queryLayer = createElement(BeckonQueryContext.Provider, { value: querySlot }, apiLayer);
  return createElement(BeckonContext.Provider, { value: runtime }, queryLayer);
}

/** The runtime, or undefined outside a provider. */
export function useMaybeBeckonRuntime(): BeckonRuntime | undefined {
  return useContext(BeckonContext);
}

/** The runtime; throws, naming the hook, outside a provider. */
export function useBeckonRuntime(hook: string): BeckonRuntime {
  const runtime = useContext(BeckonContext);
  if (runtime === undefined) throw new Error(`${hook} must be used within <BeckonProvider>`);
  return runtime;
}
