import { MicOff } from 'lucide-react';
import type { ReactNode } from 'react';
import { fill } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx } from '../util.js';
import { initials } from './Avatar.js';

export interface MediaTileProps {
  /** The user's video element (stays mounted while the camera is off, so its audio keeps playing). */
  readonly children?: ReactNode;
  /** The user's display name: the label, the initials and the announced texts. */
  readonly name: string;
  /** A picture shown instead of the initials while the camera is off. */
  readonly avatarUrl?: string | undefined;
  /** Show the avatar (or initials) instead of the video: no frozen last frame. */
  readonly cameraOff?: boolean | undefined;
  /** Show the muted mark (an icon and a text that screen readers announce). */
  readonly muted?: boolean | undefined;
  /** Outline the tile while the user speaks. */
  readonly speaking?: boolean | undefined;
  readonly className?: string;
}

/**
 * One user's media with what the other side needs to know: a placeholder (avatar, else
 * initials) instead of a frozen frame while the camera is off, a muted mark that is announced
 * (`role="status"`), a name label and a speaking outline. Presentational: feed it
 * `useCallRoom().remoteState`.
 *
 * @example
 * <MediaTile name="Bob" cameraOff={state?.cameraOff} muted={state?.muted} speaking={state?.speaking}>
 *   <video ref={attach(remote)} autoPlay playsInline />
 * </MediaTile>
 */
export function MediaTile(props: MediaTileProps) {
  const { messages: m } = useI18n();
  const { name, cameraOff = false, muted = false, speaking = false } = props;
  return (
    <div
      className={cx('beckon-media-tile', props.className)}
      data-camera={cameraOff ? 'off' : 'on'}
      data-muted={muted ? '' : undefined}
      data-speaking={speaking ? '' : undefined}
    >
      {props.children}
      {cameraOff && (
        <div
          className="beckon-media-tile-placeholder"
          role="img"
          aria-label={fill(m.remoteCameraOff, { name })}
        >
          {props.avatarUrl ? (
            <img className="beckon-media-tile-avatar" src={props.avatarUrl} alt="" />
          ) : (
            <span className="beckon-media-tile-avatar" aria-hidden="true">
              {initials(name)}
            </span>
          )}
        </div>
      )}
      <span className="beckon-media-tile-name">
        {muted && <MicOff aria-hidden="true" className="beckon-muted-mark" width={16} height={16} />}
        <span>{name}</span>
        {/* Announced when it changes; the icon above is the visible sign, not a colour. */}
        <span className="beckon-visually-hidden" role="status">
          {muted ? fill(m.remoteMuted, { name }) : ''}
        </span>
      </span>
    </div>
  );
}
