import { type QueueEntry, useHandRaise, useTeacherActions } from '@beckon/react';
import { type ReactNode, useMemo } from 'react';
import { fill, plural } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, type DisplayName, plainName } from '../util.js';
import { useFixedRows } from './useFixedRows.js';

export interface HandRaiseQueueProps {
  readonly groupID: string;
  readonly displayName?: DisplayName;
  /**
   * Row height in px (rows are virtualized: only the visible ones, and a few more, are in the DOM).
   * Every row gets the same height: a rendered row that is taller (it wraps on a narrow screen)
   * raises it for all. Default 48.
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
  const { queue: raised, speakInvitations } = useHandRaise(props.groupID);
  const actions = useTeacherActions(props.groupID);
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
  const rows = useFixedRows({ count: queue.length, rowHeight, height, overscan: OVERSCAN });
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
          onScroll={rows.onScroll}
          style={{ height: Math.min(height, rows.total) }}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the scroll area must be reachable by keyboard
          tabIndex={0}
          aria-label={countText}
        >
          <ol className="beckon-list" style={{ height: rows.total, position: 'relative' }}>
            {queue.slice(rows.first, rows.end).map((entry, i) => {
              const position = rows.first + i;
              const invited = speakInvitations.has(entry.userID);
              const who = name(entry.userID);
              return (
                <li
                  key={entry.userID}
                  ref={rows.measure}
                  data-index={position}
                  className="beckon-row"
                  data-state={invited ? 'invitedToSpeak' : 'raised'}
                  aria-setsize={queue.length}
                  aria-posinset={position + 1}
                  style={{
                    position: 'absolute',
                    top: position * rows.size,
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
