import { useHandRaise } from '@beckon/react';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx } from '../util.js';

export interface HandRaiseButtonProps {
  readonly groupID: string;
  /** Controlled: show this state instead of the one from signaling. */
  readonly raised?: boolean;
  /** Called with the state the student asked for (after the signaling request, when uncontrolled). */
  readonly onRaisedChange?: (raised: boolean) => void;
  readonly className?: string;
}

/** The student's raise/lower toggle (`aria-pressed`), its state announced politely. */
export function HandRaiseButton(props: HandRaiseButtonProps) {
  const { messages: m } = useI18n();
  const { myHand, roundID, actions } = useHandRaise(props.groupID);
  const raised = props.raised ?? myHand === 'raised';
  const canRaise = roundID !== undefined && (myHand === 'invited' || myHand === 'lowered');
  const disabled = !raised && !canRaise;
  const toggle = async () => {
    const next = !raised;
    if (props.raised === undefined) await (next ? actions.raiseHand() : actions.lowerHand());
    props.onRaisedChange?.(next);
  };
  return (
    <span className={cx('beckon-hand', props.className)} data-state={raised ? 'raised' : myHand}>
      <button
        type="button"
        className="beckon-toggle"
        aria-pressed={raised}
        disabled={disabled}
        onClick={() => void toggle()}
      >
        {raised ? m.lowerHand : m.raiseHand}
      </button>
      <span role="status" className="beckon-visually-hidden">
        {raised ? m.handRaised : myHand === 'lowered' ? m.handLowered : ''}
      </span>
    </span>
  );
}
