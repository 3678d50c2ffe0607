import { useCall, useServerNow } from '@beckon/react';
import { clock, spokenDuration } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx } from '../util.js';

export interface CallTimerProps {
  /** Server time the call started; defaults to the current call's. */
  readonly startedAt?: number;
  readonly className?: string;
}

/** Elapsed call time on the server clock, so both parties show the same number. */
export function CallTimer(props: CallTimerProps) {
  const call = useCall();
  const startedAt = props.startedAt ?? call.startedAt;
  const now = useServerNow(1000, startedAt !== undefined);
  if (startedAt === undefined) return null;
  return <Elapsed seconds={(now - startedAt) / 1000} className={props.className} />;
}

/** The timer's face: `m:ss`, read out as a duration. */
export function Elapsed(props: { readonly seconds: number; readonly className?: string | undefined }) {
  const { messages: m, locale } = useI18n();
  const seconds = Math.max(0, Math.floor(props.seconds));
  return (
    <span
      role="timer"
      aria-label={`${m.callDuration}: ${spokenDuration(seconds, locale)}`}
      className={cx('beckon-timer', props.className)}
    >
      {clock(seconds)}
    </span>
  );
}
