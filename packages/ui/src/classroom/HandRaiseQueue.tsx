import { type QueueEntry, useHandRaise } from '@beckon/react';
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useMemo, useRef } from 'react';
import { fill, plural } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, type DisplayName, plainName } from '../util.js';

export interface HandRaiseQueueProps {
  readonly groupID: string;
  readonly displayName?: DisplayName;
  /**
   * Row height in px before rows are measured (rows are virtualized; only visible ones are in the
   * DOM; a row wraps on a narrow screen and is measured). Default 48.
   */
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
 * A student invited to speak who has not answered yet shows as invited and waiting, with a
 * withdraw button (after the queue if their hand is no longer up). Virtualized, so 1,000 hands
 * keep the page responsive.
 *
 * @example
 * <HandRaiseQueue groupID={classID} displayName={(id) => people[id]?.name ?? id} />
 */
export function HandRaiseQueue(props: HandRaiseQueueProps) {
  const { messages: m, locale } = useI18n();
  const { queue: raised, speakInvitations, actions } = useHandRaise(props.groupID);
  // Invited students whose hand went down before they answered stay visible until they do.
  const queue = useMemo(() => {
    const extra: QueueEntry[] = [];
    for (const [userID, invitation] of speakInvitations) {
      if (!raised.some((q) => q.userID === userID))
        extra.push({ userID, inviteID: invitation.inviteID, raisedAt: invitation.createdAt });
    }
    return extra.length === 0 ? raised : [...raised, ...extra];
  }, [raised, speakInvitations]);
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
    // Rows wrap on narrow screens (actions under the name): measured, with the estimate as the
    // fallback where nothing is laid out.
    measureElement: (element) => element.getBoundingClientRect().height || rowHeight,
    // Until the list is measured, and whenever it measures 0 (not laid out: hidden, or a DOM
    // without layout), show the rows the `height` prop holds rather than none.
    initialRect: { width: 0, height },
    observeElementRect: (instance, onRect) =>
      observeElementRect(instance, (rect) => onRect(rect.height > 0 ? rect : { width: rect.width, height })),
  });
  const countText = plural(m.handsCount, raised.length, locale);
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
          disabled={raised.length === 0}
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
          style={{ height: Math.min(height, rows.getTotalSize()) }}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area must be reachable by keyboard
          tabIndex={0}
          aria-label={countText}
        >
          <ol className="beckon-list" style={{ height: rows.getTotalSize(), position: 'relative' }}>
            {rows.getVirtualItems().map((row) => {
              const entry = queue[row.index];
              if (entry === undefined) return null;
              const position = row.index;
              const invited = speakInvitations.has(entry.userID);
              const who = name(entry.userID);
              return (
                <li
                  key={entry.userID}
                  ref={rows.measureElement}
                  data-index={row.index}
                  className="beckon-row"
                  data-state={invited ? 'invitedToSpeak' : 'raised'}
                  aria-setsize={queue.length}
                  aria-posinset={position + 1}
                  style={{
                    position: 'absolute',
                    top: row.start,
                    minHeight: rowHeight,
                    left: 0,
                    right: 0,
                  }}
                >
                  <span className="beckon-position">{position + 1}</span>
                  <span className="beckon-name">{who}</span>
                  {invited && <span className="beckon-badge">{m.invitedWaiting}</span>}
                  <span className="beckon-row-actions">
                    {props.renderActions ? (
                      props.renderActions(entry, position)
                    ) : (
                      <>
                        {invited ? (
                          <button
                            type="button"
                            className="beckon-button"
                            data-variant="secondary"
                            onClick={() => void actions.revokeSpeaker(entry.userID)}
                          >
                            {fill(m.withdrawInvite, { name: who })}
                          </button>
                        ) : (
                          <button
                            type="button"
                            className="beckon-button"
                            data-variant="accept"
                            onClick={() => void actions.inviteToSpeak(entry.userID)}
                          >
                            {fill(m.inviteToSpeak, { name: who })}
                          </button>
                        )}
                        {position < raised.length && (
                          <button
                            type="button"
                            className="beckon-button"
                            data-variant="secondary"
                            onClick={() => void actions.dismiss(entry.userID)}
                          >
                            {fill(m.dismiss, { name: who })}
                          </button>
                        )}
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
