import { useBeckonState, useHandRaise, useServerNow } from '@beckon/react';
import { clock, fill } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx } from '../util.js';

export interface RoundCountdownProps {
  readonly groupID: string;
  /** Seconds left at which the countdown turns urgent (`data-urgent`). Default 10. */
  readonly urgentAt?: number;
  readonly className?: string;
}

/**
 * The time left in a timed round, on the server's clock (so the teacher and every student see the
 * same number). Renders nothing when no round is open or the round lasts until it is closed.
 * A `timer` role: screen readers read it when asked, without an announcement every second.
 *
 * @example
 * <RoundCountdown groupID={classID} />
 */
export function RoundCountdown(props: RoundCountdownProps) {
  const { messages: m } = useI18n();
  const { round, roundMarker, roundID, queue } = useHandRaise(props.groupID);
  // The round marker lasts until the round ends; the round's invitation and the hands raised in it
  // carry the same deadline (from a server without markers, or once every student answered).
  const handID = queue[0]?.inviteID ?? '';
  const handDeadline = useBeckonState((s) => s.invitations[handID]?.invitees[0]?.deadline ?? 0);
  const deadline =
    roundID === undefined
      ? 0
      : (roundMarker?.invitees[0]?.deadline ?? round?.invitees[0]?.deadline ?? handDeadline);
  const now = useServerNow(1000, deadline > 0);
  if (deadline <= 0) return null;
  const seconds = Math.max(0, Math.ceil((deadline - now) / 1000));
  return (
    <span
      role="timer"
      className={cx('beckon-countdown', 'beckon-round-countdown', props.className)}
      data-urgent={seconds <= (props.urgentAt ?? 10) ? '' : undefined}
    >
      {fill(m.roundEndsIn, { time: clock(seconds) })}
    </span>
  );
}
