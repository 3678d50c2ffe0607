import type { ReactNode } from 'react';
import { fill } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx } from '../util.js';

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

/** Up to two letters of a name: "Ada Lovelace" is "AL", "bob" is "B", "王小明" is "王". */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/[\s._@-]+/u)
    .filter(Boolean);
  const letters = words.slice(0, 2).map((word) => [...word][0] ?? '');
  // Han, kana and hangul names read as one word: their first character is enough.
  if (/\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u.test(letters[0] ?? ''))
    return letters[0] ?? '';
  return letters.join('').toLocaleUpperCase();
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
        {muted && <MicOff />}
        <span>{name}</span>
        {/* Announced when it changes; the icon above is the visible sign, not a colour. */}
        <span className="beckon-visually-hidden" role="status">
          {muted ? fill(m.remoteMuted, { name }) : ''}
        </span>
      </span>
    </div>
  );
}

function MicOff() {
  return (
    <svg
      className="beckon-muted-mark"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
    >
      <path d="M9 5a3 3 0 0 1 6 0v5M15 13.5A3 3 0 0 1 9 11V9M5 10a7 7 0 0 0 11.5 5.4M19 10a7 7 0 0 1-.6 2.8M12 17v4M3 3l18 18" />
    </svg>
  );
}
