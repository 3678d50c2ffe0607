import { useCall } from '@beckon/react';
import { useId } from 'react';
import { fill, spokenDuration } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, type DisplayName, plainName } from '../util.js';

export interface CallEndedSummaryProps {
  readonly displayName?: DisplayName;
  readonly className?: string;
}

/** Endings shown here: a connected call's, and an incoming call's that this device did not end itself. */
const SHOWN = new Set<string>([
  'hungUp',
  'peerLeft',
  'answeredElsewhere',
  'connectionLost',
  'endedWhileDisconnected',
]);

/**
 * After a call that was connected: its duration and who hung up, or that the peer left (its
 * devices were gone past the grace period). After an incoming call this device did not end
 * itself: answered on another device, or ended while the connection was lost.
 */
export function CallEndedSummary(props: CallEndedSummaryProps) {
  const { messages: m, locale } = useI18n();
  const call = useCall();
  const titleId = useId();
  const reason = call.endReason;
  if (call.phase !== 'ended' || reason === undefined || !SHOWN.has(reason)) return null;
  // The outgoing panel tells the caller how a call that never connected ended.
  if (call.direction === 'outgoing' && reason !== 'hungUp' && reason !== 'peerLeft') return null;
  const name = (props.displayName ?? plainName)(call.peer ?? '');
  const duration = spokenDuration(call.durationSeconds ?? 0, locale);
  const by =
    reason === 'hungUp'
      ? fill(call.endedBy === 'local' ? m.endedByYou : m.endedByPeer, { name, duration })
      : fill(m.outcome[reason as keyof typeof m.outcome], { name, duration });
  return (
    <section
      className={cx('beckon-panel', 'beckon-summary', props.className)}
      data-state="ended"
      data-reason={reason}
      aria-labelledby={titleId}
    >
      <h2 id={titleId} className="beckon-title">
        {fill(m.callEnded, { name })}
      </h2>
      <p role="status">{by}</p>
      <div className="beckon-actions">
        <button type="button" className="beckon-button" data-variant="secondary" onClick={call.actions.reset}>
          {m.close}
        </button>
      </div>
    </section>
  );
}
