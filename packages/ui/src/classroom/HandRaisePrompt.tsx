import { useHandRaise } from '@beckon/react';
import { fill } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, type DisplayName, plainName } from '../util.js';
import { HandRaiseButton } from './HandRaiseButton.js';
import { RoundCountdown } from './RoundCountdown.js';

export interface HandRaisePromptProps {
  readonly groupID: string;
  readonly displayName?: DisplayName;
  readonly className?: string;
}

/**
 * What the teacher asks of this student now: raise a hand (seed step 2), come and speak (step 5),
 * or the reminder that the student is speaking.
 */
export function HandRaisePrompt(props: HandRaisePromptProps) {
  const { messages: m } = useI18n();
  const { myHand, teacher, actions } = useHandRaise(props.groupID);
  const name = (props.displayName ?? plainName)(teacher ?? '');
  if (myHand === 'invitedToSpeak') {
    return (
      <section
        role="alert"
        className={cx('beckon-panel', 'beckon-prompt', props.className)}
        data-state="invitedToSpeak"
      >
        <p className="beckon-title">{fill(m.invitedToSpeak, { name })}</p>
        <div className="beckon-actions">
          <button
            type="button"
            className="beckon-button"
            data-variant="accept"
            onClick={() => void actions.acceptSpeak()}
          >
            {m.acceptSpeak}
          </button>
          <button
            type="button"
            className="beckon-button"
            data-variant="secondary"
            onClick={() => void actions.declineSpeak()}
          >
            {m.declineSpeak}
          </button>
        </div>
      </section>
    );
  }
  if (myHand === 'speaking') {
    return (
      <section className={cx('beckon-panel', 'beckon-prompt', props.className)} data-state="speaking">
        <p role="status" className="beckon-title">
          {m.speaking}
        </p>
        <button
          type="button"
          className="beckon-button"
          data-variant="decline"
          onClick={() => void actions.stopSpeaking()}
        >
          {m.stopSpeaking}
        </button>
      </section>
    );
  }
  if (myHand !== 'invited' && myHand !== 'raised' && myHand !== 'lowered') return null;
  return (
    <section className={cx('beckon-panel', 'beckon-prompt', props.className)} data-state={myHand}>
      <p role="status" className="beckon-title">
        {fill(m.roundOpen, { name })}
      </p>
      <div className="beckon-actions">
        <HandRaiseButton groupID={props.groupID} />
        <RoundCountdown groupID={props.groupID} />
      </div>
    </section>
  );
}
