import type {
  ConnectionState,
  InvitationRecord,
  InviteeState,
  SignalingClient,
  SignalingErrorInfo,
} from '@beckon/signaling';
import { type CallState, idleCall } from '@beckon/signaling/call';
import { createStore, type StoreApi } from 'zustand/vanilla';

/** How an invitation that left the live view ended, as far as this client saw it. */
export interface EndedInvitation {
  readonly invitation: InvitationRecord;
  /** Per-invitee final states. */
  readonly outcome: Readonly<Record<string, InviteeState>>;
  readonly endedAt: number;
}

export interface BeckonState {
  readonly connection: ConnectionState;
  readonly error: SignalingErrorInfo | undefined;
  readonly userID: string | undefined;
  readonly deviceID: string | undefined;
  /** Server clock minus local clock (ms). */
  readonly clockOffset: number;
  /** Active invitations this user can see, normalized by id. Unchanged records keep their identity. */
  readonly invitations: Readonly<Record<string, InvitationRecord>>;
  /** The most recent ended invitations (up to 50), by id. */
  readonly ended: Readonly<Record<string, EndedInvitation>>;
  readonly call: CallState;
}

export type BeckonStore = StoreApi<BeckonState>;

const ENDED_KEPT = 50;

/**
 * A vanilla zustand store fed by one client. `start()` subscribes (call it from an effect);
 * it returns the unsubscribe, and may run twice under StrictMode.
 */
export function createBeckonStore(client: SignalingClient): { store: BeckonStore; start: () => () => void } {
  const who = () => ({
    userID: client.userID,
    deviceID: client.session?.deviceID,
    clockOffset: client.clockOffset,
  });
  const store = createStore<BeckonState>()(() => ({
    connection: client.connectionState,
    error: undefined,
    ...who(),
    invitations: Object.fromEntries(client.invitations),
    ended: {},
    call: idleCall,
  }));

  /** Outcomes seen since the last flush, recorded from the end events (exact final records). */
  let endedBatch: EndedInvitation[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const now = client.serverNow();
    const before = store.getState().invitations;
    const next: Record<string, InvitationRecord> = {};
    let changed = false;
    for (const [id, record] of client.invitations) {
      next[id] = record;
      if (before[id] !== record) changed = true;
    }
    let ended = store.getState().ended;
    if (endedBatch.length > 0) {
      const merged: Record<string, EndedInvitation> = { ...ended };
      for (const entry of endedBatch) merged[entry.invitation.inviteID] = entry;
      ended = merged;
      endedBatch = [];
      changed = true;
    }
    for (const [id, last] of Object.entries(before)) {
      if (id in next) continue;
      changed = true;
      // A snapshot can also drop a record without an end event: keep what we last knew.
      if (!(id in ended)) ended = { ...ended, [id]: endedOf(last, now) };
    }
    if (changed) store.setState({ invitations: next, ended: trim(ended) });
  };

  // A burst of events (a lower-all of 500 hands, a replay after reconnect) becomes one update.
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(flush);
  };

  const start = () => {
    const offs = [
      client.on('onConnectionChange', ({ state, error }) => {
        store.setState({ connection: state, error, ...who() });
      }),
      client.on('onViewChange', schedule),
      // Final records: each end event carries the record after it, with every invitee's state.
      ...(
        ['onInviteeAccepted', 'onInviteeRejected', 'onInvitationCancelled', 'onInvitationTimeout'] as const
      ).map((name) =>
        client.on(name, ({ invitation }) => {
          if (client.invitations.has(invitation.inviteID)) return;
          endedBatch.push(endedOf(invitation, client.serverNow()));
          schedule();
        }),
      ),
    ];
    // Catch up with whatever happened between creation and start.
    store.setState({ connection: client.connectionState, ...who() });
    flush();
    return () => {
      for (const off of offs) off();
    };
  };
  return { store, start };
}

/** The invitation as it ended at `endedAt`, with every invitee's final state. */
const endedOf = (invitation: InvitationRecord, endedAt: number): EndedInvitation => ({
  invitation,
  outcome: Object.fromEntries(invitation.invitees.map((i) => [i.userID, i.state])),
  endedAt,
});

function trim(ended: Readonly<Record<string, EndedInvitation>>): Readonly<Record<string, EndedInvitation>> {
  const ids = Object.keys(ended);
  if (ids.length <= ENDED_KEPT) return ended;
  const keep = ids.sort((a, b) => (ended[b]?.endedAt ?? 0) - (ended[a]?.endedAt ?? 0)).slice(0, ENDED_KEPT);
  return Object.fromEntries(keep.map((id) => [id, ended[id] as EndedInvitation]));
}
