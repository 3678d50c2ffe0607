import { AudioLines, Mic, MicOff, PhoneOff, Settings2, UserPlus, Video, VideoOff } from 'lucide-react';
import {
  type KeyboardEvent,
  type ReactNode,
  useEffect,
  useId,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx, useControllable } from '../util.js';

/** The bar's props apart from what needs a call: `CallControls` and `GroupCallStage` fill those in. */
export interface ControlBarProps {
  readonly microphoneOn?: boolean;
  readonly defaultMicrophoneOn?: boolean;
  readonly onMicrophoneChange?: (on: boolean) => void;
  readonly cameraOn?: boolean;
  readonly defaultCameraOn?: boolean;
  readonly onCameraChange?: (on: boolean) => void;
  /** Hide the camera toggle (audio calls). */
  readonly showCamera?: boolean;
  /** The hang-up button's label (default “Hang up”; the stage says “Cancel” while dialing). */
  readonly hangUpLabel?: string;
  /** When given, an “Add people” button calls it (the app opens its own picker). */
  readonly onAddPeople?: (() => void) | undefined;
  /** The device picker: when given, a “Devices” button opens it in a panel above the bar. */
  readonly devices?: ReactNode;
  /** Ctrl+D (⌘D) toggles the microphone and Ctrl+E (⌘E) the camera, as in Google Meet. Default true. */
  readonly shortcuts?: boolean;
  readonly className?: string;
}

const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const noSubscribe = () => () => {};

/** The control bar itself, told what hanging up and “Audio only” do (the latter shows only when given). */
export function ControlBar(
  props: ControlBarProps & {
    readonly onHangUp: () => void;
    readonly onSwitchToAudio?: (() => void) | undefined;
  },
) {
  const { messages: m } = useI18n();
  const s = m.stage;
  const [mic, setMic] = useControllable(
    props.microphoneOn,
    props.defaultMicrophoneOn ?? true,
    props.onMicrophoneChange,
  );
  const [cam, setCam] = useControllable(props.cameraOn, props.defaultCameraOn ?? true, props.onCameraChange);
  const [announcement, setAnnouncement] = useState('');
  const [devicesOpen, setDevicesOpen] = useState(false);
  const mac = useSyncExternalStore(noSubscribe, isMac, () => false);
  const showCamera = props.showCamera !== false;
  const mod = mac ? '⌘' : 'Ctrl+';
  const aria = mac ? 'Meta' : 'Control';

  // Shortcuts read the latest state through a ref, so the listener is added once.
  const latest = useRef({ mic, cam, setMic, setCam, showCamera, s });
  latest.current = { mic, cam, setMic, setCam, showCamera, s };
  useEffect(() => {
    if (props.shortcuts === false) return;
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      const l = latest.current;
      const key = event.key.toLowerCase();
      if (key === 'd') {
        event.preventDefault();
        l.setMic(!l.mic);
        setAnnouncement(l.mic ? l.s.microphoneOff : l.s.microphoneOn);
      } else if (key === 'e' && l.showCamera) {
        event.preventDefault();
        l.setCam(!l.cam);
        setAnnouncement(l.cam ? l.s.cameraOffNow : l.s.cameraOn);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [props.shortcuts]);

  // Arrow keys move between the controls, as in any toolbar (Tab still reaches each one).
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>('.beckon-control')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    const next = items[(at + (event.key === 'ArrowRight' ? 1 : items.length - 1)) % items.length];
    next?.focus();
    event.preventDefault();
  };

  const panelId = useId();
  const hangUp = props.hangUpLabel ?? m.hangUp;
  return (
    <div
      role="toolbar"
      aria-label={m.callControls}
      className={cx('beckon-controls', 'beckon-bar', props.className)}
      onKeyDown={onKeyDown}
    >
      <Control
        label={m.microphone}
        tip={`${mic ? s.turnOffMicrophone : s.turnOnMicrophone} (${mod}D)`}
        keys={`${aria}+D`}
        pressed={mic}
        icon={mic ? <Mic aria-hidden="true" /> : <MicOff aria-hidden="true" />}
        onClick={() => setMic(!mic)}
      />
      {showCamera && (
        <Control
          label={m.camera}
          tip={`${cam ? s.turnOffCamera : s.turnOnCamera} (${mod}E)`}
          keys={`${aria}+E`}
          pressed={cam}
          icon={cam ? <Video aria-hidden="true" /> : <VideoOff aria-hidden="true" />}
          onClick={() => setCam(!cam)}
        />
      )}
      {props.onSwitchToAudio && (
        <Control
          label={s.switchToAudio}
          tip={s.switchToAudio}
          icon={<AudioLines aria-hidden="true" />}
          onClick={props.onSwitchToAudio}
        />
      )}
      {props.onAddPeople && (
        <Control
          label={s.addPeople}
          tip={s.addPeople}
          icon={<UserPlus aria-hidden="true" />}
          onClick={props.onAddPeople}
        />
      )}
      {props.devices !== undefined && (
        <Control
          label={s.devices}
          tip={s.devices}
          icon={<Settings2 aria-hidden="true" />}
          expanded={devicesOpen}
          controls={panelId}
          onClick={() => setDevicesOpen(!devicesOpen)}
        />
      )}
      <Control
        label={hangUp}
        tip={hangUp}
        variant="hangup"
        icon={<PhoneOff aria-hidden="true" />}
        onClick={props.onHangUp}
      />
      {devicesOpen && (
        <section
          id={panelId}
          aria-label={s.devices}
          className="beckon-devices-panel"
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              setDevicesOpen(false);
            }
          }}
        >
          {props.devices}
        </section>
      )}
      <div aria-live="polite" className="beckon-visually-hidden">
        {announcement}
      </div>
    </div>
  );
}

interface ControlProps {
  readonly label: string;
  readonly tip: string;
  readonly icon: ReactNode;
  readonly onClick: () => void;
  readonly pressed?: boolean;
  readonly keys?: string;
  readonly variant?: 'hangup';
  readonly expanded?: boolean;
  readonly controls?: string;
}

function Control(props: ControlProps) {
  const tipId = useId();
  const toggle = props.pressed !== undefined;
  return (
    <span className="beckon-control-wrap">
      <button
        type="button"
        className="beckon-control"
        aria-pressed={props.pressed}
        aria-expanded={props.expanded}
        aria-controls={props.expanded ? props.controls : undefined}
        aria-keyshortcuts={props.keys}
        aria-describedby={props.tip === props.label ? undefined : tipId}
        data-state={toggle ? (props.pressed ? 'on' : 'off') : undefined}
        data-variant={props.variant}
        onClick={props.onClick}
      >
        <span className="beckon-control-icon">{props.icon}</span>
        <span className="beckon-control-label">{props.label}</span>
      </button>
      <span
        role="tooltip"
        id={tipId}
        className="beckon-tooltip"
        aria-hidden={props.tip === props.label || undefined}
      >
        {props.tip}
      </span>
    </span>
  );
}
