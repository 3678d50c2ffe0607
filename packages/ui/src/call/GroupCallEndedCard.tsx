import type { GroupCallState, GroupParticipant } from '@beckon/signaling/call';
import type { Ref } from 'react';
import { fill, spokenDuration } from '../i18n/format.js';
import { groupEnded } from '../i18n/groupEnded.js';
import { useI18n } from '../i18n/I18nProvider.js';
import type { GroupEndedMessages, Messages } from '../i18n/messages.js';
import { type DisplayName, plainName } from '../util.js';
import { Avatar } from './Avatar.js';
import { EndedCard } from './CallEndedCard.js';

export interface GroupCallEndedCardProps {
  /** The ended group call (`useGroupCall()`, or a `GroupCallController`'s `state`). */
  readonly call: GroupCallState;
  readonly displayName?: DisplayName;
  readonly avatarUrl?: (userID: string) => string | undefined;
  /** The chat group's name, for the title. */
  readonly groupName?: string | undefined;
  /** The call's participant limit, said when it ended `full` (the `GroupCallFullError`'s `details.limit`). */
  readonly maxParticipants?: number | undefined;
  readonly onClose: () => void;
  /** When given, the card offers “Join again” (`join()`: while the call lasts, anyone may come back). */
  readonly onJoinAgain?: (() => void) | undefined;
  /** The Close button, for whoever moves focus to it. */
  readonly closeRef?: Ref<HTMLButtonElement>;
  readonly className?: string;
}

/** How many faces the card shows: the first people of the call. */
const FACES = 3;

/**
 * How a group call ended for this user, in one announced sentence: “You left the call · 2
 * minutes”, “Everyone else left”, “The call is full (6 people)”, “Everyone declined” or “Nobody
 * answered” for a caller nobody joined (with each person's answer when they differ), “You
 * declined the call”, “Answered on another device”, “Connection lost: the call ended”; the first
 * people's faces, Close, and “Join again” when the app offers it. Presentational;
 * `GroupCallStage` shows it once the call ended when given `onClose`.
 *
 * @example
 * <GroupCallEndedCard call={group} onClose={group.actions.reset} onJoinAgain={() => void group.actions.join()} />
 */
export function GroupCallEndedCard(props: GroupCallEndedCardProps) {
  const { messages: m, locale } = useI18n();
  const e = groupEnded(locale, m.group.ended);
  const name = props.displayName ?? plainName;
  const { call } = props;
  const reason = call.endReason ?? 'failed';
  let { sentence, detail } = sentenceOf(call, m, e, name, props.maxParticipants, locale);
  // The time this side spent in the call, after the sentence (“You left the call · 2 minutes”).
  if (call.startedAt !== undefined && call.durationSeconds)
    sentence += ` · ${spokenDuration(call.durationSeconds, locale)}`;
  if (reason === 'failed' && call.failure) detail = call.failure;
  const faces = call.participants.slice(0, FACES);
  return (
    <EndedCard
      reason={reason}
      faces={
        <div className="beckon-ended-faces">
          {faces.map((p) => (
            <Avatar key={p.userID} name={name(p.userID)} src={props.avatarUrl?.(p.userID)} />
          ))}
        </div>
      }
      title={props.groupName || m.group.title}
      sentence={sentence}
      detail={detail}
      closeRef={props.closeRef}
      onClose={props.onClose}
      again={props.onJoinAgain && { label: e.joinAgain, onClick: props.onJoinAgain }}
      className={props.className}
    />
  );
}

function sentenceOf(
  call: GroupCallState,
  m: Messages,
  e: GroupEndedMessages,
  name: DisplayName,
  limit: number | undefined,
  locale: string,
): { sentence: string; detail?: string | undefined } {
  const reason = call.endReason ?? 'failed';
  const local = call.endedBy === 'local';
  const mine = call.direction === 'outgoing';
  switch (reason) {
    case 'hungUp':
      return { sentence: e.left };
    case 'everyoneLeft':
      return { sentence: e.everyoneLeft };
    case 'full':
      return {
        sentence: limit === undefined ? e.full : fill(e.fullLimit, { count: limit.toLocaleString(locale) }),
      };
    case 'busy':
      if (local) return { sentence: e.youBusy };
      break;
    case 'cancelled':
      return { sentence: local ? e.youCancelled : m.outcome.cancelled };
    case 'declined':
      if (local) return { sentence: e.youDeclined };
      if (mine) return nobodyJoined(call, m, e, name);
      break;
    case 'timedOut':
      if (local) return { sentence: e.nobodyThere };
      return mine ? nobodyJoined(call, m, e, name) : { sentence: e.youMissed };
  }
  return { sentence: m.outcome[reason as keyof Messages['outcome']] ?? m.outcome.failed };
}

/** The caller's call that nobody joined: how everyone answered, in one sentence, and each answer when they differ. */
function nobodyJoined(
  call: GroupCallState,
  m: Messages,
  e: GroupEndedMessages,
  name: DisplayName,
): { sentence: string; detail?: string | undefined } {
  type Answer = GroupParticipant & { state: 'declined' | 'busy' | 'timedOut' | 'cancelled' };
  const answered = call.participants.filter(
    (p): p is Answer => p.state !== 'left' && p.state in m.group.gone,
  );
  const [first] = answered;
  if (first && answered.length === 1)
    return { sentence: fill(m.outcome[first.state], { name: name(first.userID) }) };
  const all = answered.every((p) => p.state === first?.state)
    ? { busy: e.allBusy, declined: e.allDeclined, timedOut: e.noAnswer, cancelled: undefined }[
        first?.state ?? 'cancelled'
      ]
    : undefined;
  if (all) return { sentence: all };
  return {
    sentence: call.endReason === 'timedOut' ? e.noAnswer : e.nobodyJoined,
    detail: answered.map((p) => fill(m.group.gone[p.state], { name: name(p.userID) })).join(' · '),
  };
}
