import { type CallHistoryEntry, useCallHistory } from '@beckon/react';
import type { ReactNode } from 'react';
import { spokenDuration } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, type DisplayName, plainName } from '../util.js';

export interface CallHistoryListProps {
  readonly displayName?: DisplayName;
  readonly className?: string;
  /** Replace the rendering of one entry. */
  readonly renderItem?: (entry: CallHistoryEntry) => ReactNode;
}

/** This user's calls from the server, newest first; refreshed when a call ends. */
export function CallHistoryList(props: CallHistoryListProps) {
  const { messages: m, locale } = useI18n();
  const { data, status } = useCallHistory();
  const name = props.displayName ?? plainName;
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <section
      className={cx('beckon-panel', 'beckon-history', props.className)}
      aria-label={m.history}
      data-state={status}
    >
      <h2 className="beckon-title">{m.history}</h2>
      {data?.length === 0 && <p>{m.historyEmpty}</p>}
      <ul className="beckon-list">
        {data?.map((entry) => (
          <li key={entry.inviteID} data-outcome={entry.outcome} data-direction={entry.direction}>
            {props.renderItem ? (
              props.renderItem(entry)
            ) : (
              <>
                <span className="beckon-name">
                  {entry.participants?.length
                    ? // A group call: everyone else who was in it.
                      new Intl.ListFormat(locale).format(entry.participants.map(name))
                    : name(entry.peer)}
                </span>{' '}
                <span>{entry.direction === 'incoming' ? m.incoming : m.outgoing}</span> ·{' '}
                <span>{m.historyOutcome[entry.outcome]}</span>
                {entry.durationSeconds !== undefined && (
                  <span> · {spokenDuration(entry.durationSeconds, locale)}</span>
                )}{' '}
                <time dateTime={new Date(entry.startedAt).toISOString()}>{time.format(entry.startedAt)}</time>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
