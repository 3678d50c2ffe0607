import { useCall } from '@beckon/react';
import { CallType } from '@beckon/signaling';
import type { ReactNode } from 'react';
import { fill } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, type DisplayName, plainName } from '../util.js';
import { CallControls, type CallControlsProps } from './CallControls.js';
import { CallTimer } from './CallTimer.js';
import { MediaTile } from './MediaTile.js';

export interface CallViewProps {
  /** The remote video or audio element (the app's media layer makes it). */
  readonly remoteMedia?: ReactNode;
  readonly localMedia?: ReactNode;
  /**
   * The peer's microphone, camera and voice (`useCallRoom().remoteState`): a placeholder replaces
   * the frozen frame while the camera is off (by default in audio calls), and a muted mark shows.
   */
  readonly remoteState?: {
    readonly muted?: boolean;
    readonly cameraOff?: boolean;
    readonly speaking?: boolean;
  };
  /** The peer's picture for the placeholder; initials of the display name otherwise. */
  readonly remoteAvatarUrl?: string;
  readonly displayName?: DisplayName;
  readonly controls?: CallControlsProps;
  /** Replace the controls entirely. */
  readonly renderControls?: () => ReactNode;
  readonly className?: string;
}

/** The call screen while connecting and in call: media slots, the timer and the controls. */
export function CallView(props: CallViewProps) {
  const { messages: m } = useI18n();
  const call = useCall();
  if (call.phase !== 'connecting' && call.phase !== 'inCall') return null;
  const name = (props.displayName ?? plainName)(call.peer ?? '');
  const label = fill(call.phase === 'inCall' ? m.inCallWith : m.connecting, { name });
  return (
    <section
      className={cx('beckon-call', props.className)}
      data-state={call.phase}
      data-call-type={call.callType === CallType.VIDEO ? 'video' : 'audio'}
      aria-label={label}
    >
      <header className="beckon-call-header">
        <h2 className="beckon-title">{label}</h2>
        <CallTimer />
      </header>
      <div className="beckon-stage">
        <MediaTile
          className="beckon-remote"
          name={name}
          avatarUrl={props.remoteAvatarUrl}
          cameraOff={props.remoteState?.cameraOff ?? call.callType !== CallType.VIDEO}
          muted={props.remoteState?.muted}
          speaking={props.remoteState?.speaking}
        >
          {props.remoteMedia}
        </MediaTile>
        <div className="beckon-local">{props.localMedia}</div>
      </div>
      {props.renderControls ? (
        props.renderControls()
      ) : (
        <CallControls showCamera={call.callType === CallType.VIDEO} {...props.controls} />
      )}
    </section>
  );
}
