import { CallType } from '@beckon/signaling';
import type { GroupCallState, GroupParticipant, GroupParticipantState } from '@beckon/signaling/call';
import { type CSSProperties, type ReactNode, useEffect, useRef, useState } from 'react';
import { fill, plural } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import type { GroupMessages } from '../i18n/messages.js';
import { cx, type DisplayName, plainName } from '../util.js';
import { Elapsed } from './CallTimer.js';
import { ControlBar, type ControlBarProps } from './ControlBar.js';
import { GroupCallEndedCard } from './GroupCallEndedCard.js';
import { useActiveSpeaker, useGrid } from './groupLayout.js';
import { type ParticipantState, ParticipantTile } from './ParticipantTile.js';
import { useTakeover } from './useTakeover.js';

/** One person's media in a group call: what their tile shows, and what it plays. */
export interface GroupTileMedia extends ParticipantState {
  /** Their camera and microphone, played in a `<video>` the stage renders (muted for your own). */
  readonly stream?: MediaStream | undefined;
  /** Or the element to show (a `<video>` of your own, a canvas): used instead of `stream`. */
  readonly media?: ReactNode;
}

export interface GroupCallStageProps {
  /** The group call (`useGroupCall()`, or a `GroupCallController`'s `state`). */
  readonly call: GroupCallState;
  /** Your user ID: your avatar's initials. */
  readonly self?: string | undefined;
  /** Each other person's media and its state, by user ID (joined people; the others show avatars). */
  readonly media?: ReadonlyMap<string, GroupTileMedia> | undefined;
  /** Your own media (shown mirrored; a `stream` plays muted). */
  readonly local?: GroupTileMedia | undefined;
  readonly displayName?: DisplayName;
  /** The chat group's name, as the stage's title (default “Group call”). */
  readonly groupName?: string | undefined;
  /**
   * `viewport` (default): the stage covers the window while the call is on, and the page behind
   * is inert. `container`: it fills the element the app gives it (give that element a height).
   */
  readonly fit?: 'viewport' | 'container';
  /** The control bar's microphone, camera and devices (controlled or not). */
  readonly controls?: Omit<ControlBarProps, 'hangUpLabel' | 'showCamera' | 'onAddPeople'>;
  /** Leave (or, while nobody has answered yet, cancel) the call: `hangUp()`. */
  readonly onLeave: () => void;
  /** When given, the bar offers “Add people”; the app asks whom and calls `invite(userIDs)`. */
  readonly onAddPeople?: (() => void) | undefined;
  /**
   * When given, the stage stays once the call ended and says how (`GroupCallEndedCard`), with
   * Close calling this (`reset()`). Without it the stage goes when the call ends.
   */
  readonly onClose?: (() => void) | undefined;
  /** With `onClose`: the ended card offers “Join again” (`join()`). */
  readonly onJoinAgain?: (() => void) | undefined;
  /** With `onClose`: the participant limit the card names when the call was full. */
  readonly maxParticipants?: number | undefined;
  /** Server time now, for the call's timer (the client's `serverNow`). Default `Date.now`. */
  readonly serverNow?: () => number;
  /** How long the active speaker stays highlighted at least, in ms. Default 1500. */
  readonly speakerHoldMs?: number;
  readonly className?: string;
  /** Extra content on the stage (a banner, a chat button). */
  readonly children?: ReactNode;
}

/** Who has a tile: people in the call, and people still being rung. */
const TILE = new Set<GroupParticipantState>(['joined', 'ringing', 'invited']);

/**
 * A group call's stage, presentational: a grid of tiles (you first) that picks its columns
 * from the count and the screen's shape, 2 to 9 people and beyond with no tile scrolled away
 * and the bar always in view; people still being rung as avatars saying “Ringing…”, people
 * whose media dropped saying “Reconnecting…”; the active speaker outlined (held a moment, so
 * it does not flicker); joins and departures said in a polite live region; microphone, camera,
 * add people and leave. It shows while the call is `dialing`, `connecting` or `inCall`, and
 * once it ended when given `onClose`: then it says how (`GroupCallEndedCard`) with Close and,
 * given `onJoinAgain`, “Join again”.
 *
 * @example
 * <GroupCallStage
 *   call={group}
 *   self={userID}
 *   media={room.remote}
 *   local={{ stream: room.local }}
 *   onLeave={group.actions.hangUp}
 *   onAddPeople={openPicker}
 *   onClose={group.actions.reset}
 * />
 */
export function GroupCallStage(props: GroupCallStageProps) {
  const { messages: m, locale } = useI18n();
  const g = m.group;
  const { call } = props;
  const { phase } = call;
  const fit = props.fit ?? 'viewport';
  const ended = phase === 'ended' && props.onClose !== undefined;
  const shown = ended || phase === 'dialing' || phase === 'connecting' || phase === 'inCall';
  const name = props.displayName ?? plainName;
  const stageRef = useRef<HTMLElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  useTakeover(stageRef, shown, fit);

  const others = call.participants.filter((p) => TILE.has(p.state));
  const [gridRef, grid] = useGrid(others.length + 1);
  const speaking = others.filter((p) => props.media?.get(p.userID)?.speaking).map((p) => p.userID);
  const active = useActiveSpeaker(speaking, props.speakerHoldMs ?? 1500);
  const said = useAnnouncements(call.participants, name, g);
  const timing = phase === 'inCall' && call.startedAt !== undefined;
  const now = useTick(props.serverNow ?? Date.now, timing);

  // Focus into the bar when the stage opens; to Close when the call ends.
  useEffect(() => {
    const stage = stageRef.current;
    if (ended) closeRef.current?.focus();
    else if (shown && stage && !stage.contains(document.activeElement))
      stage.querySelector<HTMLElement>('.beckon-control')?.focus();
  }, [shown, ended]);

  if (!shown) return null;
  const video = call.callType === CallType.VIDEO;
  const title = props.groupName || g.title;
  const joined = others.filter((p) => p.state === 'joined').length + 1;

  const tile = (p: GroupParticipant) => {
    const { stream, media, ...state } = props.media?.get(p.userID) ?? {};
    const waiting = p.state !== 'joined';
    const status = waiting ? m.stage.ringing : p.goneAt !== undefined ? g.reconnecting : '';
    return (
      <ParticipantTile
        key={p.userID}
        name={name(p.userID)}
        {...state}
        avatarOnly={!video || waiting}
        media={waiting ? undefined : play(media, stream, false)}
        className={cx(
          'beckon-tile-remote',
          status !== '' && 'beckon-tile-waiting',
          p.userID === active && 'beckon-tile-active',
        )}
      >
        {status && <p className="beckon-tile-status">{status}</p>}
      </ParticipantTile>
    );
  };
  const { stream, media, ...local } = props.local ?? {};
  if (phase === 'ended' && props.onClose)
    return (
      <section
        ref={stageRef}
        className={cx('beckon-callstage', 'beckon-groupstage', props.className)}
        data-fit={fit}
        data-state="ended"
        data-call-type={video ? 'video' : 'audio'}
        aria-label={title}
      >
        <div className="beckon-stage-main">
          <GroupCallEndedCard
            call={call}
            displayName={name}
            groupName={props.groupName}
            maxParticipants={props.maxParticipants}
            closeRef={closeRef}
            onClose={props.onClose}
            onJoinAgain={props.onJoinAgain}
          />
        </div>
      </section>
    );

  return (
    <section
      ref={stageRef}
      className={cx('beckon-callstage', 'beckon-groupstage', props.className)}
      data-fit={fit}
      data-state={phase}
      data-call-type={video ? 'video' : 'audio'}
      aria-label={title}
    >
      <header className="beckon-stage-top">
        <h2 className="beckon-stage-name">{title}</h2>
        {phase === 'inCall' && (
          <span className="beckon-stage-status">{plural(g.people, joined, locale)}</span>
        )}
        {timing ? (
          <Elapsed seconds={(now - (call.startedAt ?? now)) / 1000} className="beckon-stage-status" />
        ) : (
          <span className="beckon-stage-status">
            {phase === 'connecting'
              ? fill(m.connecting, { name: title })
              : fill(m.calling, {
                  name: new Intl.ListFormat(locale).format(others.map((p) => name(p.userID))),
                })}
          </span>
        )}
      </header>
      <div
        ref={gridRef}
        className="beckon-stage-main beckon-group-grid"
        data-columns={grid?.columns}
        style={
          grid &&
          ({ '--beckon-tile-w': `${grid.width}px`, '--beckon-tile-h': `${grid.height}px` } as CSSProperties)
        }
      >
        <ParticipantTile
          name={m.stage.you}
          avatarName={props.self === undefined ? undefined : name(props.self)}
          {...local}
          className="beckon-tile-local"
          mirrored
          avatarOnly={!video}
          media={play(media, stream, true)}
        />
        {others.map(tile)}
        {props.children}
      </div>
      <ControlBar
        {...props.controls}
        showCamera={video}
        onAddPeople={props.onAddPeople}
        hangUpLabel={phase === 'dialing' ? m.cancel : g.leave}
        onHangUp={props.onLeave}
      />
      <div aria-live="polite" className="beckon-visually-hidden">
        {said}
      </div>
    </section>
  );
}

function play(media: ReactNode, stream: MediaStream | undefined, muted: boolean): ReactNode {
  if (media !== undefined || stream === undefined) return media;
  return (
    <video
      autoPlay
      playsInline
      muted={muted}
      ref={(el) => {
        if (el && el.srcObject !== stream) el.srcObject = stream;
      }}
    />
  );
}

/** `now()` again every second while `on`. */
function useTick(now: () => number, on: boolean): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return now();
}

/** “Bob joined”, “Carol declined”: what changed since the last render, for a polite live region. */
function useAnnouncements(
  participants: readonly GroupParticipant[],
  name: DisplayName,
  g: GroupMessages,
): string {
  const [said, setSaid] = useState('');
  const before = useRef<ReadonlyMap<string, GroupParticipantState>>(undefined);
  useEffect(() => {
    const was = before.current;
    before.current = new Map(participants.map((p) => [p.userID, p.state]));
    if (!was) return;
    const lines: string[] = [];
    for (const p of participants) {
      const then = was.get(p.userID);
      if (then === p.state) continue;
      const line =
        p.state === 'joined'
          ? g.joined
          : !TILE.has(p.state) && then !== undefined && TILE.has(then)
            ? g.gone[p.state as keyof GroupMessages['gone']]
            : undefined;
      if (line) lines.push(fill(line, { name: name(p.userID) }));
    }
    if (lines.length > 0) setSaid(lines.join('. '));
  }, [participants, name, g]);
  return said;
}
