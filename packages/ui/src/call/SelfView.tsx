import { type KeyboardEvent, type PointerEvent, type ReactNode, useId, useRef } from 'react';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, useControllable } from '../util.js';

export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';

export interface SelfViewProps {
  /** Controlled corner; by default it starts bottom right and the user moves it. */
  readonly corner?: Corner;
  readonly defaultCorner?: Corner;
  readonly onCornerChange?: (corner: Corner) => void;
  readonly className?: string;
  /** Your tile, usually a mirrored `ParticipantTile`. */
  readonly children?: ReactNode;
}

const KEYS: Record<string, (c: Corner) => Corner> = {
  ArrowLeft: (c) => c.replace('right', 'left') as Corner,
  ArrowRight: (c) => c.replace('left', 'right') as Corner,
  ArrowUp: (c) => c.replace('bottom', 'top') as Corner,
  ArrowDown: (c) => c.replace('top', 'bottom') as Corner,
};

/**
 * Your own view as a picture-in-picture that stays out of the way: drag it (mouse, touch, pen)
 * or focus it and press the arrow keys, and it settles in the nearest corner.
 *
 * @example
 * <SelfView><ParticipantTile name="You" mirrored media={<video … />} /></SelfView>
 */
export function SelfView(props: SelfViewProps) {
  const { messages: m } = useI18n();
  const [corner, setCorner] = useControllable(
    props.corner,
    props.defaultCorner ?? 'bottom-right',
    props.onCornerChange,
  );
  const ref = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number; id: number; moved: boolean } | undefined>(undefined);
  const hintId = useId();

  const onKeyDown = (event: KeyboardEvent) => {
    const move = KEYS[event.key];
    if (!move) return;
    event.preventDefault();
    const next = move(corner);
    if (next !== corner) setCorner(next);
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture?.(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, id: event.pointerId, moved: false };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || d.id !== event.pointerId) return;
    d.moved = true;
    event.currentTarget.style.translate = `${event.clientX - d.x}px ${event.clientY - d.y}px`;
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    drag.current = undefined;
    const el = event.currentTarget;
    el.style.translate = '';
    const area = el.offsetParent?.getBoundingClientRect();
    if (!d?.moved || !area) return;
    const box = el.getBoundingClientRect();
    const x = box.left + box.width / 2 + (event.clientX - d.x) - area.left;
    const y = box.top + box.height / 2 + (event.clientY - d.y) - area.top;
    const next =
      `${y < area.height / 2 ? 'top' : 'bottom'}-${x < area.width / 2 ? 'left' : 'right'}` as Corner;
    if (next !== corner) setCorner(next);
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: a movable group, not a fieldset.
    <div
      ref={ref}
      role="group"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: it is moved with the arrow keys, so it takes focus.
      tabIndex={0}
      aria-label={m.stage.selfView}
      aria-describedby={hintId}
      aria-keyshortcuts="ArrowUp ArrowDown ArrowLeft ArrowRight"
      className={cx('beckon-selfview', props.className)}
      data-corner={corner}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    >
      <span id={hintId} className="beckon-visually-hidden">
        {m.stage.moveHint}
      </span>
      {props.children}
    </div>
  );
}
