import { describe, expect, it } from 'vitest';
import { SignalingClient } from './client.js';
import { BeckonError, ErrorCode, SignalingError } from './errors.js';
import { InMemoryHub } from './hub.js';
import type { Transport, TransportListener } from './transport.js';

/** A transport that hands its listener to the test, which plays the server's part. */
function scriptedTransport() {
  const state: { listener?: TransportListener; closed: boolean } = { closed: false };
  const transport: Transport = {
    connect: (listener) => {
      state.listener = listener;
    },
    request: () => Promise.reject(new SignalingError(ErrorCode.NOT_CONNECTED, 'scripted')),
    close: () => {
      state.closed = true;
      state.listener?.onStateChange('closed');
    },
  };
  return { transport, state };
}

const session = { userID: 'alice', deviceID: 'd1', sessionID: 's1', serverTime: 0 };

describe('SignalingClient.connect', () => {
  it('resolves with the session once connected, and returns the same promise again', async () => {
    const hub = new InMemoryHub();
    const client = new SignalingClient({ transport: hub.connect('alice', 'phone') });
    const first = client.connect();
    expect(client.connect()).toBe(first);
    const got = await first;
    expect(got).toMatchObject({ userID: 'alice', deviceID: 'phone' });
    expect(client.connectionState).toBe('connected');
    expect(client.session).toBe(got);
    client.close();
  });

  it('stays pending through reconnecting and resolves on the first session', async () => {
    const { transport, state } = scriptedTransport();
    const client = new SignalingClient({ transport });
    let settled = false;
    const connected = client.connect().finally(() => {
      settled = true;
    });
    state.listener?.onStateChange('reconnecting');
    await Promise.resolve();
    expect(settled).toBe(false);
    state.listener?.onSession(session);
    state.listener?.onStateChange('connected');
    await expect(connected).resolves.toBe(session);
  });

  it('rejects with the typed error when the transport gives up first (refused credentials)', async () => {
    const { transport, state } = scriptedTransport();
    const client = new SignalingClient({ transport });
    const connected = client.connect();
    state.listener?.onStateChange('closed', { code: ErrorCode.UNAUTHORIZED, message: 'bad token' });
    const error = await connected.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignalingError);
    expect(error).toBeInstanceOf(BeckonError);
    expect(error).toMatchObject({ code: ErrorCode.UNAUTHORIZED, message: 'bad token' });
  });

  it('rejects with 9009 when the client is closed before it connects, or was closed already', async () => {
    const { transport } = scriptedTransport();
    const client = new SignalingClient({ transport });
    const connected = client.connect();
    client.close();
    await expect(connected).rejects.toMatchObject({ code: ErrorCode.CLOSED });

    const closedFirst = new SignalingClient({ transport: scriptedTransport().transport });
    closedFirst.close();
    await expect(closedFirst.connect()).rejects.toMatchObject({ code: ErrorCode.CLOSED });
  });

  it('is safe to ignore: a rejection nobody awaits is not an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const { transport, state } = scriptedTransport();
      new SignalingClient({ transport }).connect();
      state.listener?.onStateChange('closed', { code: ErrorCode.UNAUTHORIZED, message: 'bad token' });
      const closed = new SignalingClient({ transport: scriptedTransport().transport });
      closed.close();
      closed.connect();
      // Node reports unhandled rejections after the microtask queue drains: give it two turns.
      for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
