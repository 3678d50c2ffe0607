import { useContext } from 'react';
import type { BeckonApi } from './api.js';
import { BeckonApiContext, useBeckonRuntime } from './context.js';

/** The provider's HTTP API; throws with a clear message when none was given. */
export function useBeckonApi(hook: string): BeckonApi {
  useBeckonRuntime(hook);
  const api = useContext(BeckonApiContext);
  if (api === undefined) {
    throw new Error(
      `${hook} needs the server API: pass api={createHttpApi({ baseUrl, token })} to <BeckonProvider>`,
    );
  }
  return api;
}
