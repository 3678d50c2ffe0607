import type { InvitationRecord, InviteeRecord, SignalingEvent } from './types.js';

/** An invitation is active while some invitee is still pending. */
export function isActive(record: InvitationRecord): boolean {
  return record.invitees.some((i) => i.state === 'pending');
}

function answer(
  record: InvitationRecord,
  event: Extract<SignalingEvent, { kind: 'accept' | 'reject' }>,
  state: 'accepted' | 'rejected',
): InvitationRecord {
  const actor = event.envelope.inviteeList[0];
  const order = record.answers + 1;
  let changed = false;
  const invitees = record.invitees.map((i): InviteeRecord => {
    if (i.userID !== actor || i.state !== 'pending') return i;
    changed = true;
    // An answer proves the invitation reached the invitee: a receipt still queued when the answer
    // wins the race is then not needed, and the inviter's mark does not stay false.
    const next: InviteeRecord = {
      ...i,
      delivered: true,
      state,
      answeredAt: event.at,
      answerOrder: order,
      data: event.envelope.data,
    };
    return event.device === undefined ? next : { ...next, device: event.device };
  });
  return changed ? { ...record, invitees, answers: order } : record;
}

function settle(
  record: InvitationRecord,
  who: ReadonlySet<string>,
  state: 'timeout' | 'cancelled',
  at: number,
) {
  let changed = false;
  const invitees = record.invitees.map((i): InviteeRecord => {
    if (i.state !== 'pending' || !who.has(i.userID)) return i;
    changed = true;
    return { ...i, state, answeredAt: at };
  });
  // Nothing settled (a replayed event): the same record, so holders see no change.
  return changed ? { ...record, invitees } : record;
}

/**
 * Applies one arbiter event to the record it concerns. The arbiter and every client run this
 * same function, so a client that saw every event holds exactly the arbiter's record.
 * Returns undefined for a delta about a record the receiver does not hold. The result may have
 * ended (see {@link isActive}); holders drop ended records.
 */
export function applyEvent(
  record: InvitationRecord | undefined,
  event: SignalingEvent,
): InvitationRecord | undefined {
  let next: InvitationRecord | undefined = record;
  switch (event.kind) {
    case 'invite':
    case 'addInvitees':
      next = event.invitation;
      break;
    case 'accept':
      next = record && answer(record, event, 'accepted');
      break;
    case 'reject':
      next = record && answer(record, event, 'rejected');
      break;
    case 'cancel':
    case 'timeout':
      next =
        record &&
        settle(
          record,
          new Set(event.envelope.inviteeList),
          event.kind === 'cancel' ? 'cancelled' : 'timeout',
          event.at,
        );
      break;
    case 'modify':
      next = record && { ...record, data: event.envelope.data };
      break;
    case 'delivered': {
      const who = event.envelope.inviteeList[0];
      next = record && {
        ...record,
        invitees: record.invitees.map((i) =>
          i.userID === who && !i.delivered ? { ...i, delivered: true } : i,
        ),
      };
      break;
    }
  }
  return next;
}
