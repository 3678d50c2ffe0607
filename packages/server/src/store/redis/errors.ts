import { BeckonError, ErrorCode } from '@beckon/signaling';

/**
 * Redis could not be reached or did not answer in time. Nothing was applied: every write is one
 * script that either ran whole or not at all. Connections answer it with 9005, HTTP with 503.
 */
export class StoreUnavailableError extends BeckonError<typeof ErrorCode.UNAVAILABLE> {
  override name = 'StoreUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.UNAVAILABLE, message, options);
  }
}

/** A Redis error that is not ours becomes "unavailable"; a script bug stays an internal error. */
export function unavailable(error: unknown): Error {
  if (error instanceof StoreUnavailableError) return error;
  const name = (error as { name?: unknown })?.name;
  // ReplyError: Redis answered with an error (a bug in a script or a call), not an outage.
  if (name === 'ReplyError' && !/^(LOADING|BUSY|MASTERDOWN|TRYAGAIN)/.test(String((error as Error).message)))
    return error as Error;
  return new StoreUnavailableError(`redis unavailable: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}

/** Runs a Redis call; an outage or a timeout becomes a typed "unavailable" error (9005). */
export async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw unavailable(error);
  }
}
