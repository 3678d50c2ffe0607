import { useCall } from '@beckon/react';
import { useState } from 'react';
import { ControlBar, type ControlBarProps } from './ControlBar.js';

export interface CallControlsProps extends ControlBarProps {
  /** Defaults to hanging up the current call. */
  readonly onHangUp?: () => void;
  /**
   * Offer “Audio only” (video calls). Default: shown when `showCamera` is; it asks the peer to
   * switch (`useCall().actions.switchToAudio`, which needs `callOptions.interop`; without it the
   * button hides itself after the first try) unless `onSwitchToAudio` is given.
   */
  readonly showSwitchToAudio?: boolean;
  readonly onSwitchToAudio?: () => void;
}

/**
 * The call's control bar: microphone and camera toggles (`aria-pressed`, with their on and off
 * states told apart by icon and color), audio only, add people, devices and hang up; icons with
 * labels, tooltips that name the action and its shortcut, and Meet's shortcuts, announced in a
 * live region. Controlled or uncontrolled.
 *
 * @example
 * <CallControls microphoneOn={mic} onMicrophoneChange={setMic} devices={<DevicePicker />} />
 */
export function CallControls(props: CallControlsProps) {
  const call = useCall();
  // Without TUICallKit's interop the call machine cannot switch; the button goes away then.
  const [audioUnavailable, setAudioUnavailable] = useState(false);
  const { showSwitchToAudio, onSwitchToAudio, onHangUp, ...bar } = props;
  const showAudio = (showSwitchToAudio ?? props.showCamera !== false) && !audioUnavailable;
  const switchToAudio =
    onSwitchToAudio ??
    (() => {
      call.actions.switchToAudio().catch((error: unknown) => {
        setAudioUnavailable(true);
        console.warn('[beckon] Audio only:', error instanceof Error ? error.message : error);
      });
    });
  return (
    <ControlBar
      {...bar}
      onSwitchToAudio={showAudio ? switchToAudio : undefined}
      onHangUp={onHangUp ?? (() => void call.actions.hangUp())}
    />
  );
}
