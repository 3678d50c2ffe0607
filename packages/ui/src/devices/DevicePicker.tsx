import type { DeviceInfo, MediaDeviceKind, UseDevicesResult } from '@beckon/react';
import { useEffect, useId, useRef, useState } from 'react';
import { fill } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import type { Messages } from '../i18n/messages.js';
import { cx } from '../util.js';

export interface DevicePickerProps {
  /** The lists and picks (`useDevices()`); the picker calls its `select` and `requestPermission`. */
  readonly devices: UseDevicesResult;
  /** Told after a pick (for example to save it); `useCallRoom`'s `devices` option switches calls. */
  readonly onSelect?: (kind: MediaDeviceKind, deviceId: string | undefined) => void;
  /**
   * The camera preview: a stream to show (in a call, the local stream, so the camera is not
   * opened twice), `true` to open the picked camera while the picker shows (before joining), or
   * `false` for none. Default `true`.
   */
  readonly preview?: MediaStream | boolean;
  /** Which pickers to show. Default camera, microphone and speaker. */
  readonly kinds?: readonly MediaDeviceKind[];
  readonly className?: string;
}

const ALL: readonly MediaDeviceKind[] = ['camera', 'microphone', 'speaker'];
const LIST = { camera: 'cameras', microphone: 'microphones', speaker: 'speakers' } as const;

/**
 * Pick the camera, microphone and speaker, with a camera preview. Says what is wrong when access
 * is blocked, the page cannot use devices, or no camera or microphone exists, and offers the
 * button that asks for access. Follows devices plugged in and out (through `useDevices`).
 *
 * @example
 * const devices = useDevices();
 * const media = useCallRoom(createRoom, { devices: devices.selected });
 * <DevicePicker devices={devices} preview={media.local ?? true} />
 */
export function DevicePicker(props: DevicePickerProps) {
  const { messages: m } = useI18n();
  const { devices } = props;
  const kinds = props.kinds ?? ALL;
  const { status } = devices;
  const listed = status === 'ready';
  const own = useOwnPreview(
    props.preview === true && listed && kinds.includes('camera') && devices.cameras.length > 0,
    devices.selected.camera,
  );
  const stream = typeof props.preview === 'object' ? props.preview : own;

  return (
    <fieldset className={cx('beckon-devices', props.className)} data-state={status}>
      <legend className="beckon-title">{m.devices}</legend>
      <Status devices={devices} m={m} />
      {listed &&
        kinds.map((kind) => (
          <Picker
            key={kind}
            kind={kind}
            devices={devices}
            m={m}
            onSelect={(id) => {
              devices.select(kind, id);
              props.onSelect?.(kind, id);
            }}
          />
        ))}
      {stream && kinds.includes('camera') && <Preview stream={stream} label={m.cameraPreview} />}
    </fieldset>
  );
}

function Status({ devices, m }: { devices: UseDevicesResult; m: Messages }) {
  // The button that asks for access: the call to action while undecided, plain once blocked.
  const allow = (variant?: 'accept') => (
    <button
      type="button"
      className="beckon-button"
      data-variant={variant}
      onClick={() => void devices.requestPermission()}
    >
      {m.allowDevices}
    </button>
  );
  switch (devices.status) {
    case 'idle':
      return null;
    case 'prompt':
      return (
        <>
          <p>{m.devicesPrompt}</p>
          {allow('accept')}
        </>
      );
    case 'requesting':
      return <p role="status">{m.devicesRequesting}</p>;
    case 'denied':
      return (
        <>
          <p role="alert">{m.devicesDenied}</p>
          {allow()}
        </>
      );
    case 'unsupported':
      return <p role="alert">{m.devicesUnsupported}</p>;
    default:
      return devices.error && devices.status === 'error' ? (
        <p role="alert">{fill(m.devicesError, { error: devices.error })}</p>
      ) : null;
  }
}

function Picker(props: {
  kind: MediaDeviceKind;
  devices: UseDevicesResult;
  m: Messages;
  onSelect: (deviceId: string | undefined) => void;
}) {
  const { kind, devices, m } = props;
  const id = useId();
  const list: readonly DeviceInfo[] = devices[LIST[kind]];
  const label = kind === 'camera' ? m.camera : kind === 'microphone' ? m.microphone : m.speaker;
  if (kind === 'speaker' && !devices.canSelectSpeaker) return <p>{m.speakerUnsupported}</p>;
  if (list.length === 0) {
    if (kind === 'speaker') return null; // browsers that list no outputs play on the default one
    return <p role="alert">{kind === 'camera' ? m.noCamera : m.noMicrophone}</p>;
  }
  return (
    <div className="beckon-field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={devices.selected[kind] ?? ''}
        onChange={(event) => props.onSelect(event.target.value || undefined)}
      >
        <option value="">{m.defaultDevice}</option>
        {list.map((device, i) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </div>
  );
}

function Preview({ stream, label }: { stream: MediaStream; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} className="beckon-preview" aria-label={label} autoPlay playsInline muted />;
}

/** Opens the picked camera while `enabled` (before a call: nothing else has it open). */
function useOwnPreview(enabled: boolean, cameraId: string | undefined): MediaStream | undefined {
  const [stream, setStream] = useState<MediaStream>();
  useEffect(() => {
    const media = (globalThis as { navigator?: { mediaDevices?: MediaDevices } }).navigator?.mediaDevices;
    if (!enabled || media === undefined) return;
    let live = true;
    let opened: MediaStream | undefined;
    media
      .getUserMedia({ video: cameraId ? { deviceId: { exact: cameraId } } : true })
      .then((s) => {
        opened = s;
        if (live) setStream(s);
        else for (const t of s.getTracks()) t.stop();
      })
      .catch(() => {}); // The picker's status already says why devices cannot be used.
    return () => {
      live = false;
      for (const t of opened?.getTracks() ?? []) t.stop();
      setStream(undefined);
    };
  }, [enabled, cameraId]);
  return stream;
}
