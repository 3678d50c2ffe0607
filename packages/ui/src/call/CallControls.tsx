import { useCall } from '@beckon/react';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, useControllable } from '../util.js';

export interface CallControlsProps {
  readonly microphoneOn?: boolean;
  readonly defaultMicrophoneOn?: boolean;
  readonly onMicrophoneChange?: (on: boolean) => void;
  readonly cameraOn?: boolean;
  readonly defaultCameraOn?: boolean;
  readonly onCameraChange?: (on: boolean) => void;
  /** Hide the camera toggle (audio calls). */
  readonly showCamera?: boolean;
  /** Defaults to hanging up the current call. */
  readonly onHangUp?: () => void;
  readonly className?: string;
}

/** Microphone and camera toggles (`aria-pressed`) and hang up. Controlled or uncontrolled. */
export function CallControls(props: CallControlsProps) {
  const { messages: m } = useI18n();
  const call = useCall();
  const [mic, setMic] = useControllable(
    props.microphoneOn,
    props.defaultMicrophoneOn ?? true,
    props.onMicrophoneChange,
  );
  const [cam, setCam] = useControllable(props.cameraOn, props.defaultCameraOn ?? true, props.onCameraChange);
  return (
    <div role="toolbar" aria-label={m.callControls} className={cx('beckon-controls', props.className)}>
      <Toggle on={mic} onChange={setMic} label={m.microphone} />
      {props.showCamera !== false && <Toggle on={cam} onChange={setCam} label={m.camera} />}
      <button
        type="button"
        className="beckon-button"
        data-variant="decline"
        onClick={() => (props.onHangUp ? props.onHangUp() : void call.actions.hangUp())}
      >
        {m.hangUp}
      </button>
    </div>
  );
}

function Toggle({ on, onChange, label }: { on: boolean; onChange: (on: boolean) => void; label: string }) {
  return (
    <button
      type="button"
      className="beckon-toggle"
      aria-pressed={on}
      data-state={on ? 'on' : 'off'}
      onClick={() => onChange(!on)}
    >
      {label}
    </button>
  );
}
