// @vitest-environment happy-dom

import { CallType, createCallData } from '@beckon/signaling';
import { act, render, renderHook } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApi } from './api.js';
import { BeckonProvider } from './context.js';
import { createHubWorld, settle } from './test/setup.js';
import { useBeckonClient, useMaybeBeckonClient } from './useBeckonClient.js';
import { useCall } from './useCall.js';
import { useGroupMembers } from './useGroupMembers.js';

let world: ReturnType<typeof createHubWorld>;
afterEach(() => world?.close());

describe('provider', () => {
  it('useBeckonClient outside the provider says what to do; the maybe variant returns undefined', () => {
    expect(() => renderHook(() => useBeckonClient())).toThrow(
      'useBeckonClient must be used within <BeckonProvider>',
    );
    expect(renderHook(() => useMaybeBeckonClient()).result.current).toBeUndefined();
  });

  it('query hooks without an API explain how to pass one', () => {
    world = createHubWorld();
    const client = world.client('alice');
    expect(() => renderHook(() => useGroupMembers('g'), { wrapper: world.wrapperFor(client) })).toThrow(
      /pass api=\{createHttpApi/,
    );
  });

  it('a new api object (an inline createHttpApi) keeps the store and the call', async () => {
    world = createHubWorld();
    const alice = world.client('alice');
    world.client('bob').connect();
    const api = () => createHttpApi({ baseUrl: 'http://127.0.0.1:1', token: 't' });
    const { result, rerender } = renderHook(() => useCall(), {
      wrapper: ({ children }) => (
        <BeckonProvider client={alice} api={api()}>
          {children}
        </BeckonProvider>
      ),
    });
    await settle();
    await act(() => result.current.actions.dial('bob'));
    rerender();
    expect(result.current.phase).toBe('dialing');
  });

  it('under StrictMode double effects, each client has one subscription: a call rings once, not busy', async () => {
    world = createHubWorld();
    const alice = world.client('alice');
    const bob = world.client('bob');
    render(
      <StrictMode>
        <BeckonProvider client={bob}>
          <Phone name="bob" />
        </BeckonProvider>
      </StrictMode>,
    );
    await settle();
    const rejected: string[] = [];
    alice.on('onInviteeRejected', (e) => rejected.push(e.invitee));
    alice.connect();
    await act(() => alice.invite('bob', createCallData({ callType: CallType.AUDIO, roomID: 'r' })));
    await settle();
    // A doubled controller would see its twin's "ringing" and reject the call as busy.
    expect(rejected).toEqual([]);
    expect(phases.get('bob')).toBe('ringing');
  });
});

const phases = new Map<string, string>();
function Phone({ name }: { name: string }) {
  const call = useCall();
  phases.set(name, call.phase);
  return null;
}
