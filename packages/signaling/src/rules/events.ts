import { ActionType, envelopeOf } from '../envelope.js';
import type { InvitationRecord, SignalingEvent } from './types.js';

// The events of the rules, built in one place: the arbiter's transition and the Tencent
// transport's local view emit the same shapes, with the same envelopes.

/** A new invitation (or one refined in place): the whole record, to every invitee. */
export function inviteEvent(record: InvitationRecord, at: number): SignalingEvent {
  const all = record.invitees.map((i) => i.userID);
  return {
    kind: 'invite',
    envelope: envelopeOf(record, ActionType.INVITE, all, record.data),
    at,
    invitation: record,
  };
}

/** Invitees were added: the grown record, with only the added ones in the envelope. */
export function addInviteesEvent(
  grown: InvitationRecord,
  added: readonly string[],
  at: number,
): SignalingEvent {
  return {
    kind: 'addInvitees',
    envelope: envelopeOf(grown, ActionType.INVITE, added, grown.data),
    at,
    invitation: grown,
  };
}

/** `invitee` accepted or rejected, from `device` when the transport knows it. */
export function answerEvent(
  record: InvitationRecord,
  kind: 'accept' | 'reject',
  invitee: string,
  data: string,
  at: number,
  device?: string,
): SignalingEvent {
  const actionType = kind === 'accept' ? ActionType.ACCEPT : ActionType.REJECT;
  const envelope = envelopeOf(record, actionType, [invitee], data);
  return device === undefined ? { kind, envelope, at } : { kind, envelope, at, device };
}

/** The listed invitees were cancelled or timed out. */
export function settleEvent(
  record: InvitationRecord,
  kind: 'cancel' | 'timeout',
  who: readonly string[],
  data: string,
  at: number,
): SignalingEvent {
  const actionType = kind === 'cancel' ? ActionType.CANCEL : ActionType.TIMEOUT;
  return { kind, envelope: envelopeOf(record, actionType, who, data), at };
}

/** The inviter replaced the data. */
export function modifyEvent(record: InvitationRecord, data: string, at: number): SignalingEvent {
  const all = record.invitees.map((i) => i.userID);
  return { kind: 'modify', envelope: envelopeOf(record, ActionType.INVITE, all, data), at };
}

/** The invitation reached a device of `invitee` (a receipt for the inviter). */
export function deliveredEvent(record: InvitationRecord, invitee: string, at: number): SignalingEvent {
  return { kind: 'delivered', envelope: envelopeOf(record, ActionType.INVITE, [invitee], record.data), at };
}

/**
 * The events that took an invitation to its final record, as a client that missed them replays
 * them (a snapshot after a gap, issue 14): each answer in the order it was taken, then one
 * cancel and one timeout for the invitees they settled. A client applies them to the record it
 * holds; those it had already seen change nothing there and are not reported again.
 */
export function endingEvents(final: InvitationRecord): SignalingEvent[] {
  const answers = final.invitees
    .filter((i) => i.state === 'accepted' || i.state === 'rejected')
    .sort((a, b) => (a.answerOrder ?? 0) - (b.answerOrder ?? 0))
    .map((i) =>
      answerEvent(
        final,
        i.state === 'accepted' ? 'accept' : 'reject',
        i.userID,
        i.data ?? '',
        i.answeredAt ?? final.createdAt,
        i.device,
      ),
    );
  const settled = (['cancel', 'timeout'] as const).flatMap((kind) => {
    const who = final.invitees.filter((i) => i.state === (kind === 'cancel' ? 'cancelled' : 'timeout'));
    const at = Math.max(final.createdAt, ...who.map((i) => i.answeredAt ?? 0));
    return who.length === 0
      ? []
      : [
          settleEvent(
            final,
            kind,
            who.map((i) => i.userID),
            '',
            at,
          ),
        ];
  });
  return [...answers, ...settled];
}
