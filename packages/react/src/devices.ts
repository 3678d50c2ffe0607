// The camera, microphone and speaker lists behind `useDevices`, framework free: a tiny store over
// `navigator.mediaDevices` (injected, looked up only when started), following devicechange.
import type { MediaDeviceKind } from './mediaRoom.js';

/**
 * Where the lists stand. `prompt`: the browser lists devices without names until the user allows
 * access (`requestPermission`); `ready`: names known; `denied`: the user or the system refused
 * (the app must tell them to allow it in the site settings); `unsupported`: no
 * `navigator.mediaDevices` (an insecure http page, or an old browser); `error`: something else
 * failed (see `error`).
 */
export type DeviceStatus = 'idle' | 'prompt' | 'requesting' | 'ready' | 'denied' | 'unsupported' | 'error';

/** One device, as listed by `enumerateDevices`. */
export interface DeviceInfo {
  readonly deviceId: string;
  /** Empty until permission is granted. */
  readonly label: string;
  readonly groupId: string;
}

export interface DeviceListState {
  readonly status: DeviceStatus;
  readonly cameras: readonly DeviceInfo[];
  readonly microphones: readonly DeviceInfo[];
  readonly speakers: readonly DeviceInfo[];
  /**
   * The picked device of each kind; undefined is the browser's default. A picked device that is
   * unplugged falls back to undefined.
   */
  readonly selected: Readonly<Record<MediaDeviceKind, string | undefined>>;
  /** The browser can route audio output to a chosen speaker (`HTMLMediaElement.setSinkId`). */
  readonly canSelectSpeaker: boolean;
  /** What failed, for `denied` and `error` (the DOMException's name and message). */
  readonly error: string | undefined;
}

/** What `createDeviceList` needs of the browser (the part of `MediaDevices` it uses). */
export type MediaDevicesLike = Pick<
  MediaDevices,
  'enumerateDevices' | 'getUserMedia' | 'addEventListener' | 'removeEventListener'
>;

export interface DeviceListOptions {
  /** Default: `navigator.mediaDevices`, looked up when the list starts. */
  readonly mediaDevices?: MediaDevicesLike;
  /** Which kinds `requestPermission` asks for. Default both. */
  readonly kinds?: { readonly audio?: boolean; readonly video?: boolean };
  /** Devices picked already (from the app's settings). */
  readonly selected?: Partial<Record<MediaDeviceKind, string | undefined>>;
  /** Whether speakers can be picked; default: `setSinkId` exists on `HTMLMediaElement`. */
  readonly canSelectSpeaker?: boolean;
}

export interface DeviceList {
  getState(): DeviceListState;
  subscribe(listener: () => void): () => void;
  /** Lists the devices and follows devicechange; returns the stop function. */
  start(): () => void;
  /**
   * Asks for camera and microphone access (the browser's prompt), then lists the devices with
   * their names. Resolves in every case: the outcome is in `status` and `error`.
   */
  requestPermission(): Promise<void>;
  /** Picks a device (undefined: the default). */
  select(kind: MediaDeviceKind, deviceId: string | undefined): void;
}

const KIND_OF: Record<string, 'cameras' | 'microphones' | 'speakers'> = {
  videoinput: 'cameras',
  audioinput: 'microphones',
  audiooutput: 'speakers',
};
const LIST_OF: Record<MediaDeviceKind, 'cameras' | 'microphones' | 'speakers'> = {
  camera: 'cameras',
  microphone: 'microphones',
  speaker: 'speakers',
};
const DENIED = new Set(['NotAllowedError', 'SecurityError', 'PermissionDeniedError']);

function browserMediaDevices(): MediaDevicesLike | undefined {
  return (globalThis as { navigator?: { mediaDevices?: MediaDevices } }).navigator?.mediaDevices;
}

function browserCanSelectSpeaker(): boolean {
  const proto = (globalThis as { HTMLMediaElement?: { prototype: object } }).HTMLMediaElement?.prototype;
  return proto !== undefined && 'setSinkId' in proto;
}

function describe(error: unknown): string {
  const e = error as { name?: unknown; message?: unknown } | undefined;
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  return typeof e?.message === 'string' && e.message !== '' ? `${name}: ${e.message}` : name;
}

/**
 * Creates a device list. Nothing touches the browser until `start` (safe on a server).
 *
 * @example
 * const list = createDeviceList();
 * const stop = list.start();
 * list.subscribe(() => render(list.getState()));
 * await list.requestPermission(); // the browser asks; then the names are known
 */
export function createDeviceList(options: DeviceListOptions = {}): DeviceList {
  const listeners = new Set<() => void>();
  let state: DeviceListState = {
    status: 'idle',
    cameras: [],
    microphones: [],
    speakers: [],
    selected: { camera: undefined, microphone: undefined, speaker: undefined, ...options.selected },
    canSelectSpeaker: false,
    error: undefined,
  };
  let generation = 0;
  let running = false;
  const set = (patch: Partial<DeviceListState>) => {
    state = { ...state, ...patch };
    for (const listener of [...listeners]) listener();
  };
  const devices = () => options.mediaDevices ?? browserMediaDevices();

  const refresh = async (): Promise<void> => {
    const media = devices();
    if (media === undefined) return set({ status: 'unsupported' });
    const run = ++generation;
    let all: MediaDeviceInfo[];
    try {
      all = await media.enumerateDevices();
    } catch (error) {
      if (run === generation) set({ status: 'error', error: describe(error) });
      return;
    }
    if (run !== generation || !running) return;
    const lists = {
      cameras: [] as DeviceInfo[],
      microphones: [] as DeviceInfo[],
      speakers: [] as DeviceInfo[],
    };
    for (const device of all) {
      const list = KIND_OF[device.kind];
      // Before permission, Chromium lists one nameless entry per kind with an empty id.
      if (list === undefined || device.deviceId === '') continue;
      if (lists[list].some((d) => d.deviceId === device.deviceId)) continue;
      lists[list].push({ deviceId: device.deviceId, label: device.label, groupId: device.groupId });
    }
    const named = all.some((d) => d.label !== '');
    const selected = { ...state.selected };
    for (const kind of Object.keys(LIST_OF) as MediaDeviceKind[]) {
      const id = selected[kind];
      if (id !== undefined && !lists[LIST_OF[kind]].some((d) => d.deviceId === id))
        selected[kind] = undefined;
    }
    // Names mean access was granted (maybe later, in the site settings): ready whatever came before.
    const status: DeviceStatus = named
      ? 'ready'
      : state.status === 'denied' || state.status === 'requesting'
        ? state.status
        : 'prompt';
    set({ ...lists, selected, status, error: status === 'ready' ? undefined : state.error });
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      const media = devices();
      running = true;
      set({ canSelectSpeaker: options.canSelectSpeaker ?? browserCanSelectSpeaker() });
      if (media === undefined) {
        set({ status: 'unsupported' });
        return () => {
          running = false;
        };
      }
      const onChange = () => void refresh();
      media.addEventListener('devicechange', onChange);
      void refresh();
      return () => {
        running = false;
        generation++;
        media.removeEventListener('devicechange', onChange);
      };
    },
    async requestPermission() {
      const media = devices();
      if (media === undefined) return set({ status: 'unsupported' });
      const audio = options.kinds?.audio ?? true;
      const video = options.kinds?.video ?? true;
      set({ status: 'requesting', error: undefined });
      const open = async (constraints: MediaStreamConstraints) => {
        const stream = await media.getUserMedia(constraints);
        for (const track of stream.getTracks()) track.stop();
      };
      let failure: unknown;
      try {
        await open({ audio, video });
      } catch (error) {
        failure = error;
        // One kind missing (a desktop with no camera) fails both: ask for each alone.
        if ((error as { name?: unknown })?.name === 'NotFoundError' && audio && video) {
          const results = await Promise.allSettled([open({ audio: true }), open({ video: true })]);
          if (results.some((r) => r.status === 'fulfilled')) failure = undefined;
        }
      }
      const name = (failure as { name?: unknown } | undefined)?.name;
      if (failure !== undefined && DENIED.has(name as string)) {
        set({ status: 'denied', error: describe(failure) });
      } else {
        // Not found: the lists say what is missing. Other errors are kept for the app to show.
        set({ status: 'prompt', error: failure === undefined ? undefined : describe(failure) });
      }
      await refresh();
      if (failure !== undefined && !DENIED.has(name as string) && state.status === 'prompt')
        set({ status: 'ready' }); // asked: whatever exists is listed; nothing more to ask
    },
    select(kind, deviceId) {
      set({ selected: { ...state.selected, [kind]: deviceId === '' ? undefined : deviceId } });
    },
  };
}
