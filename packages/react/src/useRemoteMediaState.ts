import { useCallback, useSyncExternalStore } from 'react';
import type { MediaRoom, PeerMediaState } from './mediaRoom.js';

/**
 * One remote user's microphone, camera and voice activity in any media room (a classroom's
 * speakers, a group call's tiles): the room's last report, then every change. Undefined when
 * there is no room or user, or nothing was reported yet.
 *
 * @example
 * const media = useClassRoom(groupID, createRoom);
 * const state = useRemoteMediaState(media.room, speakerID);
 * <MediaTile name={speakerID} cameraOff={state?.cameraOff ?? true} muted={state?.muted} />
 */
export function useRemoteMediaState(
  room: MediaRoom | undefined,
  userID: string | undefined,
): PeerMediaState | undefined {
  const subscribe = useCallback(
    (onChange: () => void) =>
      room === undefined || userID === undefined
        ? () => {}
        : room.on('remoteMedia', (user) => {
            if (user === userID) onChange();
          }),
    [room, userID],
  );
  const read = useCallback(
    () => (room === undefined || userID === undefined ? undefined : room.remoteMediaState?.(userID)),
    [room, userID],
  );
  return useSyncExternalStore(subscribe, read, () => undefined);
}
