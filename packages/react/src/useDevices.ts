import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { createDeviceList, type DeviceListOptions, type DeviceListState } from './devices.js';
import type { MediaDeviceKind } from './mediaRoom.js';

export interface UseDevicesOptions extends Omit<DeviceListOptions, 'selected'> {
  /** Devices picked already (for example from the app's saved settings). */
  readonly initialSelected?: DeviceListOptions['selected'];
  /** Ask for access on mount instead of waiting for `requestPermission` (a button). Default false. */
  readonly requestOnMount?: boolean;
}

export interface UseDevicesResult extends DeviceListState {
  /** Asks for camera and microphone access, then lists the devices with their names. */
  readonly requestPermission: () => Promise<void>;
  /** Picks a device; undefined goes back to the default. */
  readonly select: (kind: MediaDeviceKind, deviceId: string | undefined) => void;
}

/**
 * The cameras, microphones and speakers, the picked one of each, and whether access was
 * granted, denied or is still to ask; follows devices being plugged in and out. Pass `selected`
 * to `useCallRoom`'s `devices` option to use (and switch, live) the picks in calls.
 *
 * @example
 * const devices = useDevices();
 * const media = useCallRoom(createRoom, { devices: devices.selected });
 * <DevicePicker devices={devices} preview={media.local} />
 */
export function useDevices(options: UseDevicesOptions = {}): UseDevicesResult {
  const { mediaDevices, kinds, canSelectSpeaker, initialSelected, requestOnMount } = options;
  const [list] = useState(() =>
    createDeviceList({
      ...(mediaDevices ? { mediaDevices } : {}),
      ...(kinds ? { kinds } : {}),
      ...(canSelectSpeaker === undefined ? {} : { canSelectSpeaker }),
      ...(initialSelected ? { selected: initialSelected } : {}),
    }),
  );
  useEffect(() => {
    const stop = list.start();
    if (requestOnMount) void list.requestPermission();
    return stop;
  }, [list, requestOnMount]);
  const state = useSyncExternalStore(list.subscribe, list.getState, list.getState);
  const requestPermission = useCallback(() => list.requestPermission(), [list]);
  const select = useCallback<UseDevicesResult['select']>((kind, id) => list.select(kind, id), [list]);
  return { ...state, requestPermission, select };
}
