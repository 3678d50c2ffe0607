import { useHandRaise, useTeacherActions } from '@beckon/react';
import { useId, useState } from 'react';
import { spokenDuration } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx } from '../util.js';
import { RoundCountdown } from './RoundCountdown.js';

export interface ClassroomToolbarProps {
  readonly groupID: string;
  /** Who is asked to raise hands (the class without the teacher). */
  readonly students: readonly string[];
  /** Round lengths offered, in seconds (0 = until closed). */
  readonly timeouts?: readonly number[];
  readonly className?: string;
}

/**
 * The teacher's round controls: ask to raise hands (with a length) and close the round; a timed
 * round shows its {@link RoundCountdown}.
 *
 * @example
 * <ClassroomToolbar groupID={classID} students={['amy', 'ben']} timeouts={[0, 60]} />
 */
export function ClassroomToolbar(props: ClassroomToolbarProps) {
  const { messages: m, locale } = useI18n();
  const { roundID } = useHandRaise(props.groupID);
  const actions = useTeacherActions(props.groupID);
  const options = props.timeouts ?? [0, 30, 60, 120];
  const [timeout, setTimeout] = useState(options[0] ?? 0);
  const selectId = useId();
  const open = roundID !== undefined;
  return (
    <div
      role="toolbar"
      aria-label={m.openRound}
      className={cx('beckon-toolbar', props.className)}
      data-state={open ? 'open' : 'closed'}
    >
      <label htmlFor={selectId}>{m.roundTimeout}</label>
      <select
        id={selectId}
        value={timeout}
        disabled={open}
        onChange={(e) => setTimeout(Number(e.target.value))}
      >
        {options.map((s) => (
          <option key={s} value={s}>
            {s === 0 ? m.noTimeout : spokenDuration(s, locale)}
          </option>
        ))}
      </select>
      {open ? (
        <button
          type="button"
          className="beckon-button"
          data-variant="decline"
          onClick={() => void actions.closeRound()}
        >
          {m.closeRound}
        </button>
      ) : (
        <button
          type="button"
          className="beckon-button"
          data-variant="accept"
          disabled={props.students.length === 0}
          onClick={() => void actions.openRound(props.students, { timeout })}
        >
          {m.openRound}
        </button>
      )}
      {open && <RoundCountdown groupID={props.groupID} />}
      <span role="status" className="beckon-visually-hidden">
        {open ? '' : m.roundClosed}
      </span>
    </div>
  );
}
