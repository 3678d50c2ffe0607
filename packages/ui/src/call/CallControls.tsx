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
      <button
        type="button"
        className="beckon-toggle"
        aria-pressed={mic}
        data-state={mic ? 'on' : 'off'}
        onClick={() => setMic(!mic)}
      >
        {m.microphone}
      </button>
      {props.showCamera !== false && (
        <button
          type="button"
          className="beckon-toggle"
          aria-pressed={cam}
          data-state={cam ? 'on' : 'off'}
          onClick={() => setCam(!cam)}
        >
          {m.camera}
        </button>
      )}
      <button
        type="button"
        className="beckon-button"
        data-variant="decline"
        onClick={() => (props.onHangUp ? props.onHangUp() : void call.hangUp())}
      >
        {m.hangUp}
      </button>
    </div>
  );
}
