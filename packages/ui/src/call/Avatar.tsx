import { UserRound } from 'lucide-react';
import { cx } from '../util.js';

export interface AvatarProps {
  /** Whose picture: initials and a color come from it when there is no `src`. */
  readonly name?: string | undefined;
  /** The app's picture of the user. */
  readonly src?: string | undefined;
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

/** How many background tones the stylesheet has (`.beckon-avatar[data-tone]`). */
export const AVATAR_TONES = 8;

/**
 * One of the tones, the same for the same name everywhere, from the whole name: FNV-1a, then
 * murmur3's final mix, so names that differ anywhere (not just in their last letters) spread
 * evenly over the palette.
 */
export function avatarTone(name: string): number {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) % AVATAR_TONES;
}

/**
 * A user's picture: the app's image, else their initials on a color of their own, else a
 * generic person. Decorative (`alt=""`): the name is always written next to it.
 *
 * @example
 * <Avatar name="Ada Lovelace" src={photos.ada} />
 */
export function Avatar({ name = '', src, className }: AvatarProps) {
  if (src) return <img className={cx('beckon-avatar', className)} src={src} alt="" />;
  const letters = initials(name);
  return (
    <span className={cx('beckon-avatar', className)} data-tone={avatarTone(name)} aria-hidden="true">
      {letters || <UserRound aria-hidden="true" />}
    </span>
  );
}
