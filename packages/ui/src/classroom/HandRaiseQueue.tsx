import { type QueueEntry, useHandRaise } from '@beckon/react';
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useRef } from 'react';
import { fill, plural } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, type DisplayName, plainName } from '../util.js';

export interface HandRaiseQueueProps {
  readonly groupID: string;
  readonly displayName?: DisplayName;
  /** Row height in px (rows are virtualized; only visible ones are in the DOM). Default 48. */
  readonly rowHeight?: number;
  /** Height of the scrolling list in px. Default 320. */
  readonly height?: number;
  readonly className?: string;
  /** Replace the actions of one row. */
  readonly renderActions?: (entry: QueueEntry, position: number) => ReactNode;
}

const OVERSCAN = 4;

/**
 * The teacher's raised-hand queue in server order, with invite to speak, dismiss and lower all.
 * Virtualized, so 1,000 hands keep the page responsive.
 */
export function HandRaiseQueue(props: HandRaiseQueueProps) {
  const { messages: m, locale } = useI18n();
  const { queue, actions } = useHandRaise(props.groupID);
  const rowHeight = props.rowHeight ?? 48;
  const height = props.height ?? 320;
  const name = props.displayName ?? plainName;
  const scrollRef = useRef<HTMLElement>(null);
  const rows = useVirtualizer({
    count: queue.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    getItemKey: (index) => queue[index]?.userID ?? index,
    overscan: OVERSCAN,
    // Until the list is measured, and whenever it measures 0 (not laid out: hidden, or a DOM
    // without layout), show the rows the `height` prop holds rather than none.
    initialRect: { width: 0, height },
    observeElementRect: (instance, onRect) =>
      observeElementRect(instance, (rect) => onRect(rect.height > 0 ? rect : { width: rect.width, height })),
  });
  const countText = plural(m.handsCount, queue.length, locale);
  return (
    <section
      className={cx('beckon-panel', 'beckon-queue', props.className)}
      aria-label={m.queueTitle}
      data-state={queue.length === 0 ? 'empty' : 'raised'}
    >
      <header className="beckon-queue-header">
        <h2 className="beckon-title">{m.queueTitle}</h2>
        <span role="status" className="beckon-count">
          {countText}
        </span>
        <button
          type="button"
          className="beckon-button"
          data-variant="secondary"
          disabled={queue.length === 0}
          onClick={() => void actions.lowerAll()}
        >
          {m.lowerAll}
        </button>
      </header>
      {queue.length === 0 ? (
        <p className="beckon-empty">{m.queueEmpty}</p>
      ) : (
        <section
          className="beckon-scroll"
          ref={scrollRef}
          style={{ height: Math.min(height, queue.length * rowHeight) }}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area must be reachable by keyboard
          tabIndex={0}
          aria-label={countText}
        >
          <ol className="beckon-list" style={{ height: rows.getTotalSize(), position: 'relative' }}>
            {rows.getVirtualItems().map((row) => {
              const entry = queue[row.index];
              if (entry === undefined) return null;
              const position = row.index;
              return (
                <li
                  key={entry.userID}
                  className="beckon-row"
                  aria-setsize={queue.length}
                  aria-posinset={position + 1}
                  style={{
                    position: 'absolute',
                    top: row.start,
                    height: row.size,
                    left: 0,
                    right: 0,
                  }}
                >
                  <span className="beckon-position">{position + 1}</span>
                  <span className="beckon-name">{name(entry.userID)}</span>
                  <span className="beckon-row-actions">
                    {props.renderActions ? (
                      props.renderActions(entry, position)
                    ) : (
                      <>
                        <button
                          type="button"
                          className="beckon-button"
                          data-variant="accept"
                          onClick={() => void actions.inviteToSpeak(entry.userID)}
                        >
                          {fill(m.inviteToSpeak, { name: name(entry.userID) })}
                        </button>
                        <button
                          type="button"
                          className="beckon-button"
                          data-variant="secondary"
                          onClick={() => void actions.dismiss(entry.userID)}
                        >
                          {fill(m.dismiss, { name: name(entry.userID) })}
                        </button>
                      </>
                    )}
                  </span>
                </li>
              );
            })}
          </ol>
        </section>
      )}
    </section>
  );
}
