import { MicOff } from 'lucide-react';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx } from '../util.js';
import { Avatar } from './Avatar.js';

/**
 * What the media layer reports about one participant. The names are a contract with
 * `@beckon/media`, which reports the remote user's state under the same names.
 */
export interface ParticipantState {
  /** Display name, written on the tile. */
  readonly name?: string | undefined;
  /** The app's picture of the user, shown while their camera is off (initials otherwise). */
  readonly avatarUrl?: string | undefined;
  /** Their camera is off (or there is no video): the avatar replaces the last frame. */
  readonly cameraOff?: boolean | undefined;
  /** Their microphone is muted: a mark on the tile. */
  readonly muted?: boolean | undefined;
  /** They are speaking now: a ring around the tile and the avatar. */
  readonly speaking?: boolean | undefined;
}

export interface ParticipantTileProps extends ParticipantState {
  /** The `<video>` (or `<audio>`) element. Kept mounted while the camera is off, so sound keeps playing. */
  readonly media?: ReactNode;
  /** Mirror the video (your own camera, as a mirror shows you). */
  readonly mirrored?: boolean;
  /** Whose initials the avatar shows, when not `name`'s (your tile is labelled “You”). */
  readonly avatarName?: string | undefined;
  /** Show the avatar whatever the camera does (audio calls, before the video arrives). */
  readonly avatarOnly?: boolean;
  readonly className?: string;
  readonly children?: ReactNode;
}

/**
 * One participant: their video with their name, or their avatar when the camera is off; a
 * muted mark; a ring while they speak. Presentational: give it the media layer's state.
 *
 * @example
 * <ParticipantTile name="Bob" media={<video … />} cameraOff={remote.cameraOff} muted={remote.muted} />
 */
export function ParticipantTile(props: ParticipantTileProps) {
  const { messages: m } = useI18n();
  const { name = '', cameraOff = false, muted = false, speaking = false } = props;
  const showAvatar = cameraOff || props.avatarOnly === true;
  const states = [muted && m.stage.muted, cameraOff && m.stage.cameraOff, speaking && m.stage.speaking];
  const extra = states.filter(Boolean).join(', ');
  return (
    <figure
      className={cx('beckon-tile', props.className)}
      data-camera={showAvatar ? 'off' : 'on'}
      data-muted={muted ? '' : undefined}
      data-speaking={speaking ? '' : undefined}
    >
      <div className="beckon-tile-media" data-mirrored={props.mirrored ? '' : undefined}>
        {props.media}
      </div>
      {showAvatar && <Avatar name={props.avatarName ?? name} src={props.avatarUrl} />}
      <figcaption className="beckon-tile-name">
        {muted && <MicOff aria-hidden="true" className="beckon-tile-muted" />}
        <span>{name}</span>
        {extra && <span className="beckon-visually-hidden">, {extra}</span>}
      </figcaption>
      {props.children}
    </figure>
  );
}
