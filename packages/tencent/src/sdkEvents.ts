import { ActionType } from '@beckon/signaling';
import { readRecord, timeoutOf } from '@beckon/signaling/rules';
import { ChatEventName, SignalingEventName, type TencentChat } from './sdk.js';
import type { LocalView } from './view.js';

// The SDK's signaling events, mapped onto the local view. Every payload is untrusted: a field of
// the wrong type drops the event (or reads as empty data), never throws.

type Payload = Readonly<Record<string, unknown>> | undefined;

/** `event.data` of an SDK event, as a plain record (prototype keys refused), or undefined. */
export function payload(event: unknown): Payload {
  if (typeof event !== 'object' || event === null) return undefined;
  const data = readRecord((event as { data?: unknown }).data);
  return data.ok ? data.value : undefined;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
function ids(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list = value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [...new Set(list)];
}

function onInvitation(view: LocalView, d: Payload): void {
  const inviteID = str(d?.inviteID);
  const inviter = str(d?.inviter);
  const invitees = ids(d?.inviteeList);
  if (d === undefined || inviteID === undefined || inviter === undefined || !invitees?.length) return;
  // A repeat (history replay after login), or an invitation that already ended here.
  if (view.knows(inviteID)) return;
  view.add({
    inviteID,
    inviter,
    groupID: text(d.groupID),
    invitees,
    data: text(d.data),
    timeout: timeoutOf(d.timeout),
    onlineUserOnly: false,
  });
}

/**
 * The signaling message itself (MESSAGE_RECEIVED, right after the signaling event) carries the
 * timeout and the send time: refine a record whose timeout the event did not give.
 */
function onMessages(chat: TencentChat, view: LocalView, event: unknown): void {
  if (!view.awaitsAnyTimeout) return;
  const list = typeof event === 'object' && event !== null ? (event as { data?: unknown }).data : undefined;
  if (!Array.isArray(list)) return;
  for (const message of list) {
    let info: ReturnType<TencentChat['getSignalingInfo']>;
    try {
      info = chat.getSignalingInfo(message);
    } catch {
      continue;
    }
    if (info === null || typeof info !== 'object' || Number(info.actionType) !== ActionType.INVITE) continue;
    if (!view.awaitsTimeout(info.inviteID)) continue;
    view.refineTimeout(info.inviteID, timeoutOf(info.timeout), (message as { time?: unknown }).time);
  }
}

function onAnswer(view: LocalView, kind: 'accept' | 'reject', d: Payload): void {
  const inviteID = str(d?.inviteID);
  const invitee = str(d?.invitee);
  if (inviteID === undefined || invitee === undefined) return;
  // Tencent does not say which device answered: another device of ours shows "answered elsewhere".
  view.answer(kind, inviteID, invitee, text(d?.data));
}

function onCancelled(view: LocalView, d: Payload): void {
  const inviteID = str(d?.inviteID);
  if (inviteID === undefined) return;
  const record = view.get(inviteID);
  const inviter = str(d?.inviter);
  if (record === undefined || (inviter !== undefined && inviter !== record.inviter)) return;
  view.settle('cancel', inviteID, undefined, text(d?.data));
}

function onTimeout(view: LocalView, d: Payload): void {
  const inviteID = str(d?.inviteID);
  if (inviteID === undefined) return;
  const who = ids(d?.inviteeList);
  view.settle('timeout', inviteID, who?.length ? who : undefined, text(d?.data));
}

function onModified(view: LocalView, d: Payload): void {
  const inviteID = str(d?.inviteID);
  if (inviteID !== undefined) view.modified(inviteID, text(d?.data));
}

/** Feeds the SDK's signaling events (and the messages that refine them) to `view`; returns the unsubscribers. */
export function listenSignaling(chat: TencentChat, view: LocalView): Array<() => void> {
  const offs: Array<() => void> = [];
  const signal = (name: SignalingEventName, handler: (d: Payload) => void) => {
    const listener = (event: unknown) => handler(payload(event));
    chat.addSignalingListener(name, listener);
    offs.push(() => chat.removeSignalingListener(name, listener));
  };
  signal(SignalingEventName.NEW_INVITATION_RECEIVED, (d) => onInvitation(view, d));
  signal(SignalingEventName.INVITEE_ACCEPTED, (d) => onAnswer(view, 'accept', d));
  signal(SignalingEventName.INVITEE_REJECTED, (d) => onAnswer(view, 'reject', d));
  signal(SignalingEventName.INVITATION_CANCELLED, (d) => onCancelled(view, d));
  signal(SignalingEventName.INVITATION_TIMEOUT, (d) => onTimeout(view, d));
  signal(SignalingEventName.INVITATION_MODIFIED, (d) => onModified(view, d));
  const messages = (event: unknown) => onMessages(chat, view, event);
  chat.on(ChatEventName.MESSAGE_RECEIVED, messages);
  offs.push(() => chat.off(ChatEventName.MESSAGE_RECEIVED, messages));
  return offs;
}
