import { useCall, useConnection } from '@beckon/react';
import { CallType } from '@beckon/signaling';
import type { CallEndReason } from '@beckon/signaling/call';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { fill } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { useRingback } from '../ringing/useRingtone.js';
import { cx, type DisplayName, plainName } from '../util.js';
import { CallControls, type CallControlsProps } from './CallControls.js';
import { CallEndedCard } from './CallEndedCard.js';
import { CallTimer } from './CallTimer.js';
import { IncomingCallDialog, type IncomingCallDialogProps } from './IncomingCallDialog.js';
import { type ParticipantState, ParticipantTile } from './ParticipantTile.js';
import { type Corner, SelfView } from './SelfView.js';
import { useTakeover } from './useTakeover.js';

export interface CallStageProps {
  /**
   * `viewport` (default): the stage covers the window while a call is on, and the page behind
   * is inert. `container`: it fills the element the app gives it (give that element a height).
   */
  readonly fit?: 'viewport' | 'container';
  readonly displayName?: DisplayName;
  /** The remote `<video>` (it also plays their sound: it stays mounted while their camera is off). */
  readonly remoteMedia?: ReactNode;
  /** Your own `<video>`, muted; shown mirrored in a movable picture-in-picture. */
  readonly localMedia?: ReactNode;
  /** The other party's state from the media layer: `cameraOff`, `muted`, `speaking`, `name`, `avatarUrl`. */
  readonly remote?: ParticipantState;
  /** Your own state, the same way (`cameraOff` shows your avatar instead of a black box). */
  readonly local?: ParticipantState;
  /** Props for the control bar (microphone and camera state, callbacks). */
  readonly controls?: Omit<CallControlsProps, 'devices' | 'hangUpLabel' | 'showCamera'>;
  /** The device picker, opened from the bar's Devices button. */
  readonly devices?: ReactNode;
  /** Props for the incoming-call dialog the stage shows while a call rings; `false` if you render your own. */
  readonly incoming?: Omit<IncomingCallDialogProps, 'displayName'> | false;
  /** Play the ring-back tone while the callee's phone rings. Default true. */
  readonly ringback?: boolean;
  /** Where your picture-in-picture starts. */
  readonly defaultSelfViewCorner?: Corner;
  /** After the ended summary's Close (the call is reset to idle as well). */
  readonly onClose?: () => void;
  readonly className?: string;
  /** Extra content on the stage (a banner, a chat button). */
  readonly children?: ReactNode;
}

/**
 * Ends of an incoming call that this side saw coming while it rang (it declined, or the caller
 * gave up): the dialog was the whole call. Answered on another device still gets its summary.
 */
const RINGING_ENDS = new Set<CallEndReason>(['declined', 'busy', 'cancelled', 'timedOut']);

/**
 * The whole call experience, prebuilt: the incoming dialog while it rings; then a stage that
 * takes over the viewport (or a container) for dialing (with a ring-back tone), connecting, the
 * call and its ended summary. Video calls show the other party large with your own view as a
 * movable picture-in-picture; audio calls and cameras that are off show avatars; the control
 * bar stays in view on every screen from 360 px phones up, portrait or landscape. Focus moves
 * into the stage when it opens (the microphone), to Close when the call ends, and back to where
 * it was after.
 *
 * @example
 * <CallStage
 *   remoteMedia={<video autoPlay ref={attach(media.remote)} />}
 *   localMedia={<video autoPlay muted ref={attach(media.local)} />}
 *   remote={media.remoteState}
 *   controls={{ onMicrophoneChange: media.actions.setMicrophoneEnabled }}
 * />
 */
export function CallStage(props: CallStageProps) {
  const { messages: m } = useI18n();
  const call = useCall();
  const { userID } = useConnection();
  const { phase } = call;
  const fit = props.fit ?? 'viewport';
  const shown =
    phase === 'dialing' ||
    phase === 'connecting' ||
    phase === 'inCall' ||
    (phase === 'ended' &&
      (call.direction === 'outgoing' ||
        call.startedAt !== undefined ||
        !RINGING_ENDS.has(call.endReason ?? 'failed')));
  const stageRef = useRef<HTMLElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const tone = useRingback(phase === 'dialing' && props.ringback !== false);
  const [corner, setCorner] = useState<Corner>(props.defaultSelfViewCorner ?? 'bottom-right');
  const [moved, setMoved] = useState('');
  useTakeover(stageRef, shown, fit);

  // Focus: into the bar when the stage opens or a call connects; to Close when it ends.
  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    if (phase === 'ended') closeRef.current?.focus();
    else if (!stage.contains(document.activeElement))
      stage.querySelector<HTMLElement>('.beckon-control')?.focus();
  }, [phase]);

  const name = (props.displayName ?? plainName)(call.peer ?? '');
  const dialog =
    props.incoming === false ? null : (
      <IncomingCallDialog displayName={props.displayName ?? plainName} {...props.incoming} />
    );
  if (!shown || call.peer === undefined) return dialog;

  const video = call.callType === CallType.VIDEO;
  const remote = { name, ...props.remote };
  const local = { name: m.stage.you, ...props.local };
  const me = userID === undefined ? undefined : (props.displayName ?? plainName)(userID);
  const live = phase === 'inCall';
  const label =
    phase === 'ended'
      ? fill(m.callEnded, { name })
      : fill(live ? m.inCallWith : phase === 'connecting' ? m.connecting : m.calling, { name });
  const status =
    phase === 'dialing'
      ? fill(m.calling, { name })
      : phase === 'connecting'
        ? fill(m.connecting, { name })
        : undefined;

  return (
    <>
      {dialog}
      <section
        ref={stageRef}
        className={cx('beckon-callstage', props.className)}
        data-fit={fit}
        data-state={phase}
        data-call-type={video ? 'video' : 'audio'}
        aria-label={label}
      >
        {phase === 'ended' ? (
          <div className="beckon-stage-main">
            <CallEndedCard
              reason={call.endReason ?? 'failed'}
              name={name}
              avatarUrl={props.remote?.avatarUrl}
              endedBy={call.endedBy}
              durationSeconds={call.startedAt === undefined ? undefined : (call.durationSeconds ?? 0)}
              failure={call.failure}
              closeRef={closeRef}
              onClose={() => {
                call.actions.reset();
                props.onClose?.();
              }}
              onCallAgain={() => {
                const { peer, callType } = call;
                call.actions.reset();
                void call.actions.dial(peer ?? '', callType === undefined ? {} : { callType });
              }}
            />
          </div>
        ) : (
          <>
            <header className="beckon-stage-top">
              {live && (
                <>
                  <h2 className="beckon-stage-name">{name}</h2>
                  <CallTimer className="beckon-stage-status" />
                </>
              )}
            </header>
            <div className="beckon-stage-main" data-layout={video ? 'spotlight' : 'grid'}>
              <ParticipantTile
                {...remote}
                className="beckon-tile-remote"
                media={props.remoteMedia}
                avatarOnly={!video || !live}
              >
                {!live && (
                  <div className="beckon-stage-calling">
                    <h2 className="beckon-stage-name">{name}</h2>
                    <p role="status" className="beckon-stage-status">
                      {status}
                    </p>
                    {tone.blocked && (
                      <p className="beckon-stage-status">
                        {m.stage.soundBlocked}{' '}
                        <button type="button" className="beckon-link" onClick={tone.enable}>
                          {m.stage.enableSound}
                        </button>
                      </p>
                    )}
                  </div>
                )}
              </ParticipantTile>
              {video ? (
                <SelfView
                  corner={corner}
                  onCornerChange={(next) => {
                    setCorner(next);
                    setMoved(fill(m.stage.moved, { corner: m.stage.corners[next] }));
                  }}
                >
                  <ParticipantTile
                    {...local}
                    avatarName={me}
                    className="beckon-tile-local"
                    mirrored
                    media={props.localMedia}
                  />
                </SelfView>
              ) : (
                <ParticipantTile
                  {...local}
                  avatarName={me}
                  className="beckon-tile-local"
                  avatarOnly
                  media={props.localMedia}
                />
              )}
              {props.children}
            </div>
            <CallControls
              {...props.controls}
              showCamera={video}
              showSwitchToAudio={video && live}
              devices={props.devices}
              hangUpLabel={phase === 'dialing' ? m.cancel : m.hangUp}
            />
            <div aria-live="polite" className="beckon-visually-hidden">
              {moved}
            </div>
          </>
        )}
      </section>
    </>
  );
}
