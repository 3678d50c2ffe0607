import { SignalingClient, WebSocketTransport } from '@beckon/signaling';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApi } from './api.js';
import { BeckonProvider } from './context.js';
import { useBeckonClient } from './useBeckonClient.js';
import { useCall } from './useCall.js';
import { useCallHistory } from './useCallHistory.js';
import { useConnection } from './useConnection.js';
import { useCreateGroup } from './useCreateGroup.js';
import { useGroupMembers } from './useGroupMembers.js';
import { useHandRaise } from './useHandRaise.js';
import { useIncomingInvitation } from './useIncomingInvitation.js';
import { useIncomingInvitations } from './useIncomingInvitations.js';
import { useInvitation } from './useInvitation.js';
import { useJoinGroup } from './useJoinGroup.js';
import { useOutgoingInvitations } from './useOutgoingInvitations.js';
import { useServerNow } from './useServerNow.js';
import { useStudentHand } from './useStudentHand.js';

// Browser globals a server render must never touch: each access is recorded.
const GUARDED = ['window', 'document', 'WebSocket', 'Notification', 'navigator', 'localStorage'] as const;
const touched: string[] = [];
const saved = new Map<string, PropertyDescriptor | undefined>();

beforeAll(() => {
  for (const name of GUARDED) {
    saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get() {
        touched.push(name);
        return undefined;
      },
    });
  }
});

afterAll(() => {
  for (const name of GUARDED) {
    const descriptor = saved.get(name);
    if (descriptor) Object.defineProperty(globalThis, name, descriptor);
    else delete (globalThis as Record<string, unknown>)[name];
  }
});

function EveryHook() {
  const client = useBeckonClient();
  const connection = useConnection();
  const invitation = useIncomingInvitation();
  const one = useInvitation('missing');
  const incoming = useIncomingInvitations();
  const outgoing = useOutgoingInvitations();
  const call = useCall();
  const classroom = useHandRaise('g');
  const hand = useStudentHand('g', 's1');
  const members = useGroupMembers('g');
  const history = useCallHistory();
  const now = useServerNow();
  useCreateGroup();
  useJoinGroup();
  return (
    <p>
      {String(Boolean(client))} {connection.state} {String(invitation.invitation)} {String(one.invitation)}{' '}
      {incoming.length} {outgoing.length} {call.phase} {classroom.queue.length} {hand.state} {members.status}{' '}
      {history.status} {typeof now}
    </p>
  );
}

describe('server rendering', () => {
  it('renders every hook without touching window, document, WebSocket or Notification', () => {
    const fetchSpy = () => Promise.reject(new Error('no fetch during SSR'));
    const client = new SignalingClient({
      transport: new WebSocketTransport({ url: 'ws://127.0.0.1:1', token: 't', deviceID: 'ssr' }),
    });
    const api = createHttpApi({ baseUrl: 'http://127.0.0.1:1', token: 't', fetch: fetchSpy });
    const html = renderToString(
      <BeckonProvider client={client} api={api}>
        <EveryHook />
      </BeckonProvider>,
    );
    expect(html).toContain('idle');
    expect(touched).toEqual([]);
    expect(client.connectionState).toBe('idle');
  });
});
