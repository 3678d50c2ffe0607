import { QueryClient, QueryClientContext } from '@tanstack/react-query';
import { useContext, useEffect } from 'react';
import { BeckonQueryContext, useBeckonRuntime } from './context.js';

/**
 * The QueryClient of the query hooks: the provider's `queryClient` prop, else the app's own
 * from an enclosing `<QueryClientProvider>`, else one created here for this provider (never put
 * in front of the app's components). Only the query hooks import it, so an app that uses just
 * the call and hand-raise hooks does not bundle TanStack Query.
 */
export function useBeckonQueryClient(hook: string): QueryClient {
  useBeckonRuntime(hook);
  const slot = useContext(BeckonQueryContext);
  const enclosing = useContext(QueryClientContext);
  const given = slot?.queryClient ?? enclosing;
  let queryClient = given;
  if (queryClient === undefined && slot !== undefined) {
    slot.fallback.current ??= new QueryClient();
    queryClient = slot.fallback.current;
  }
  const own = given === undefined ? queryClient : undefined;
  // What QueryClientProvider does for the app's client: refetch on focus and reconnect.
  useEffect(() => {
    if (own === undefined) return;
    own.mount();
    return () => own.unmount();
  }, [own]);
  if (queryClient === undefined) throw new Error(`${hook} must be used within <BeckonProvider>`);
  return queryClient;
}
