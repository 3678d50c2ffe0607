// @vitest-environment happy-dom
// @vitest-environment-options {"url": "http://localhost:5173/"}

import type { BeckonServer } from '@beckon/server';
import { createBeckonServer, createToken } from '@beckon/server';
import { SignalingClient, type WebSocketConstructor, WebSocketTransport } from '@beckon/signaling';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createHttpApi } from '../src/api.js';
import { BeckonProvider } from '../src/context.js';
import { useCall } from '../src/useCall.js';
import { useCallHistory } from '../src/useCallHistory.js';
import { useCreateGroup } from '../src/useCreateGroup.js';
import { useGroupMembers } from '../src/useGroupMembers.js';
import { useJoinGroup } from '../src/useJoinGroup.js';

const SECRET = 'react-test-secret-0123456789abcdef';
let server: BeckonServer;
const clients: SignalingClient[] = [];

beforeEach(async () => {
  server = await createBeckonServer({
    port: 0,
    secret: SECRET,
    logLevel: 'silent',
    allowedOrigins: ['http://localhost:5173'],
  });
});
afterEach(async () => {
  cleanup();
  for (const c of clients.splice(0)) c.close();
  await server.close();
});

async function user(userID: string) {
  const token = await createToken({ secret: SECRET, userID });
  const client = new SignalingClient({
    transport: new WebSocketTransport({
      url: server.wsUrl,
      token,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
    }),
  });
  clients.push(client);
  const api = createHttpApi({ baseUrl: server.url, token });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <BeckonProvider client={client} api={api}>
      {children}
    </BeckonProvider>
  );
  return { client, wrapper };
}

describe('hooks against the real server over WebSocket and HTTP', () => {
  it('useCall end to end; useCallHistory refreshes with the duration', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const a = renderHook(() => ({ call: useCall(), history: useCallHistory() }), { wrapper: alice.wrapper });
    const b = renderHook(() => useCall(), { wrapper: bob.wrapper });
    await waitFor(() => expect(alice.client.connectionState).toBe('connected'));
    await waitFor(() => expect(bob.client.connectionState).toBe('connected'));
    await waitFor(() => expect(a.result.current.history.data).toEqual([]));

    await act(() => a.result.current.call.actions.dial('bob', { roomID: 'room-e2e' }));
    await waitFor(() => expect(b.result.current.phase).toBe('ringing'));
    await act(() => b.result.current.actions.accept());
    await waitFor(() => expect(a.result.current.call.phase).toBe('connecting'));
    act(() => {
      a.result.current.call.actions.remoteEntered();
      b.result.current.actions.remoteEntered();
    });
    await new Promise((r) => setTimeout(r, 1100));
    await act(() => b.result.current.actions.hangUp());
    await waitFor(() =>
      expect(a.result.current.call).toMatchObject({ phase: 'ended', endReason: 'hungUp', endedBy: 'remote' }),
    );
    expect(a.result.current.call.durationSeconds).toBeGreaterThanOrEqual(1);
    await waitFor(() =>
      expect(a.result.current.history.data?.[0]).toMatchObject({
        roomID: 'room-e2e',
        outcome: 'completed',
        endedBy: 'bob',
      }),
    );
  });

  it('create and join a group; the members list follows joins and presence', async () => {
    const teacher = await user('teacher');
    const student = await user('student');
    const t = renderHook(
      () => {
        const create = useCreateGroup();
        const members = useGroupMembers(create.data?.groupID);
        return { create, members };
      },
      { wrapper: teacher.wrapper },
    );
    let code = '';
    await act(async () => {
      code = (await t.result.current.create.mutateAsync('Physics')).code;
    });
    await waitFor(() =>
      expect(t.result.current.members.data?.members.map((m) => m.userID)).toEqual(['teacher']),
    );

    const s = renderHook(() => useJoinGroup(), { wrapper: student.wrapper });
    await waitFor(() => expect(student.client.connectionState).toBe('connected'));
    await act(() => s.result.current.mutateAsync(code));
    await waitFor(() =>
      expect(t.result.current.members.data?.members).toEqual([
        { userID: 'teacher', online: true, owner: true },
        { userID: 'student', online: true, owner: false },
      ]),
    );
    student.client.close();
    await waitFor(() => expect(t.result.current.members.data?.members[1]?.online).toBe(false));
  });
});
