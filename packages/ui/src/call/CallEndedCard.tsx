import type { CallEndReason } from '@beckon/signaling/call';
import { Phone } from 'lucide-react';
import type { ReactNode, Ref } from 'react';
import { fill, spokenDuration } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx } from '../util.js';
import { Avatar } from './Avatar.js';

export interface CallEndedCardProps {
  /** Why the call ended: every `CallEndReason` has its sentence in the message catalog. */
  readonly reason: CallEndReason;
  /** The other party's display name. */
  readonly name: string;
  readonly avatarUrl?: string | undefined;
  /** Who hung up (for `hungUp`). */
  readonly endedBy?: 'local' | 'remote' | undefined;
  /** How long the call lasted, when it was connected. */
  readonly durationSeconds?: number | undefined;
  /** The cause of a `failed` call, in words. */
  readonly failure?: string | undefined;
  readonly onClose: () => void;
  /** Offer “Call again” (the stage does for every call it dialed or answered). */
  readonly onCallAgain?: (() => void) | undefined;
  /** The Close button, for whoever moves focus to it. */
  readonly closeRef?: Ref<HTMLButtonElement>;
  readonly className?: string;
}

/**
 * The end of a call, whatever ended it: the peer, the reason in one announced sentence (“You
 * hung up after 2 minutes”, “bob declined the call”, “The connection was lost”), how long it
 * lasted, and Close or Call again. Presentational: `CallStage` feeds it from `useCall()`.
 *
 * @example
 * <CallEndedCard reason="busy" name="Bob" onClose={reset} onCallAgain={() => dial('bob')} />
 */
export function CallEndedCard(props: CallEndedCardProps) {
  const { messages: m, locale } = useI18n();
  const { name, reason } = props;
  const duration =
    props.durationSeconds === undefined ? undefined : spokenDuration(props.durationSeconds, locale);
  let sentence: string;
  let detail: string | undefined;
  if (reason === 'hungUp' && duration !== undefined) {
    sentence = fill(props.endedBy === 'local' ? m.endedByYou : m.endedByPeer, { name, duration });
  } else {
    const template = m.outcome[reason] ?? m.outcome.failed;
    sentence = fill(template, { name, duration: duration ?? spokenDuration(0, locale) });
    // A sentence that has no duration of its own gets it on the next line.
    if (props.durationSeconds && duration !== undefined && !template.includes('{duration}'))
      detail = fill(m.stage.lasted, { duration });
    if (reason === 'failed' && props.failure) detail = props.failure;
  }
  return (
    <EndedCard
      reason={reason}
      faces={<Avatar name={name} src={props.avatarUrl} />}
      title={fill(m.callEnded, { name })}
      sentence={sentence}
      detail={detail}
      closeRef={props.closeRef}
      onClose={props.onClose}
      again={props.onCallAgain && { label: m.stage.callAgain, onClick: props.onCallAgain }}
      className={props.className}
    />
  );
}

/** The card's frame, shared by the one-to-one and the group card (not exported from the package). */
export function EndedCard(props: {
  readonly reason: string;
  readonly faces: ReactNode;
  readonly title: string;
  readonly sentence: string;
  readonly detail: string | undefined;
  readonly closeRef: Ref<HTMLButtonElement> | undefined;
  readonly onClose: () => void;
  readonly again: { readonly label: string; readonly onClick: () => void } | undefined;
  readonly className: string | undefined;
}) {
  const { messages: m } = useI18n();
  return (
    <div className={cx('beckon-ended', props.className)} data-state="ended" data-reason={props.reason}>
      {props.faces}
      <h2 className="beckon-title">{props.title}</h2>
      <p role="status" className="beckon-ended-reason">
        {props.sentence}
      </p>
      {props.detail && <p className="beckon-description">{props.detail}</p>}
      <div className="beckon-actions">
        <button
          ref={props.closeRef}
          type="button"
          className="beckon-button"
          data-variant="secondary"
          onClick={props.onClose}
        >
          {m.close}
        </button>
        {props.again && (
          <button type="button" className="beckon-button" data-variant="accept" onClick={props.again.onClick}>
            <Phone aria-hidden="true" className="beckon-icon" />
            {props.again.label}
          </button>
        )}
      </div>
    </div>
  );
}
