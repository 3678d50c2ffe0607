import { useHandRaise, useTeacherActions } from '@beckon/react';
import type { ReactNode } from 'react';
import { fill } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, type DisplayName, plainName } from '../util.js';

export interface SpeakerListProps {
  readonly groupID: string;
  readonly displayName?: DisplayName;
  readonly className?: string;
  /** Slot beside each speaker (their video, say). */
  readonly renderMedia?: (userID: string) => ReactNode;
}

/** Who is speaking (seed step 6); the teacher can stop a speaker. */
export function SpeakerList(props: SpeakerListProps) {
  const { messages: m } = useI18n();
  const { speakers, isTeacher } = useHandRaise(props.groupID);
  const actions = useTeacherActions(props.groupID);
  const name = props.displayName ?? plainName;
  return (
    <section
      className={cx('beckon-panel', 'beckon-speakers', props.className)}
      aria-label={m.speakersTitle}
      data-state={speakers.length === 0 ? 'empty' : 'speaking'}
    >
      <h2 className="beckon-title">{m.speakersTitle}</h2>
      {speakers.length === 0 ? (
        <p className="beckon-empty">{m.speakersEmpty}</p>
      ) : (
        <ul className="beckon-list" aria-live="polite">
          {speakers.map((s) => (
            <li key={s.userID} className="beckon-row">
              {props.renderMedia?.(s.userID)}
              <span className="beckon-name">{name(s.userID)}</span>
              {isTeacher && (
                <button
                  type="button"
                  className="beckon-button"
                  data-variant="decline"
                  onClick={() => void actions.revokeSpeaker(s.userID)}
                >
                  {fill(m.revoke, { name: name(s.userID) })}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
