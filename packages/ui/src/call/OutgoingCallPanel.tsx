import { useCall } from '@beckon/react';
import type { ReactNode } from 'react';
import { fill } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, type DisplayName, plainName } from '../util.js';

const OUTCOMES = new Set([
  'declined',
  'busy',
  'timedOut',
  'cancelled',
  'failed',
  'connectionLost',
  'endedWhileDisconnected',
]);

export interface OutgoingCallPanelProps {
  readonly displayName?: DisplayName;
  readonly className?: string;
  /** Slot next to the text (an avatar, say). */
  readonly renderAvatar?: (userID: string) => ReactNode;
}

/**
 * “Calling …” with Cancel while the callee's phone rings, then the outcome (declined, busy, no
 * answer, cancelled, connection lost), written and announced through a polite live region.
 */
export function OutgoingCallPanel(props: OutgoingCallPanelProps) {
  const { messages: m } = useI18n();
  const call = useCall();
  const name = (props.displayName ?? plainName)(call.peer ?? '');
  const outcome =
    call.phase === 'ended' && call.direction === 'outgoing' && call.endReason && OUTCOMES.has(call.endReason)
      ? call.endReason
      : undefined;
  if (call.phase !== 'dialing' && outcome === undefined) return null;
  const state = outcome ?? 'calling';
  const text = outcome
    ? fill(m.outcome[outcome as keyof typeof m.outcome], { name })
    : fill(m.calling, { name });
  return (
    <section
      className={cx('beckon-panel', 'beckon-outgoing', props.className)}
      data-state={state}
      aria-label={text}
    >
      {props.renderAvatar?.(call.peer ?? '')}
      <p role="status" className="beckon-title">
        {text}
      </p>
      <div className="beckon-actions">
        {outcome === undefined ? (
          <button
            type="button"
            className="beckon-button"
            data-variant="decline"
            onClick={() => void call.actions.hangUp()}
          >
            {m.cancel}
          </button>
        ) : (
          <button
            type="button"
            className="beckon-button"
            data-variant="secondary"
            onClick={call.actions.reset}
          >
            {m.close}
          </button>
        )}
      </div>
    </section>
  );
}
