import { useCall } from '@beckon/react';
import { fill, spokenDuration } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, type DisplayName, plainName } from '../util.js';

export interface CallEndedSummaryProps {
  readonly displayName?: DisplayName;
  readonly className?: string;
}

/** After a call that was connected: its duration and who hung up. */
export function CallEndedSummary(props: CallEndedSummaryProps) {
  const { messages: m, locale } = useI18n();
  const call = useCall();
  if (call.phase !== 'ended' || call.endReason !== 'hungUp') return null;
  const name = (props.displayName ?? plainName)(call.peer ?? '');
  const duration = spokenDuration(call.durationSeconds ?? 0, locale);
  const by = fill(call.endedBy === 'local' ? m.endedByYou : m.endedByPeer, { name, duration });
  return (
    <section className={cx('beckon-panel', 'beckon-summary', props.className)} data-state="ended">
      <h2 className="beckon-title">{fill(m.callEnded, { name })}</h2>
      <p role="status">{by}</p>
      <div className="beckon-actions">
        <button type="button" className="beckon-button" data-variant="secondary" onClick={call.actions.reset}>
          {m.close}
        </button>
      </div>
    </section>
  );
}
