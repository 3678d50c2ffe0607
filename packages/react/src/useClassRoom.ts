import { selectClassroom } from '@beckon/signaling/classroom';
import { useEffect, useRef, useState } from 'react';
import type { MediaRoom, MediaRoomEvents } from './mediaRoom.js';
import { useBeckonState } from './useBeckonState.js';

/** The class a room is created for. */
export interface ClassRoomTarget {
  readonly groupID: string;
  /** `group:<groupID>`: the server relays its messages only between the group's members. */
  readonly roomID: string;
  readonly userID: string;
}

export type CreateClassRoom = (target: ClassRoomTarget) => MediaRoom;

/** What one speaker sends. */
export interface RemoteMedia {
  readonly stream: MediaStream;
  readonly kinds: MediaRoomEvents['remoteStream'][2];
}

export interface UseClassRoomResult {
  readonly room: MediaRoom | undefined;
  /** This user's camera while speaking. */
  readonly local: MediaStream | undefined;
  /** The media of the others in the room, by user. */
  readonly remote: ReadonlyMap<string, RemoteMedia>;
  /** Why the room failed (no TURN relay, camera denied...), until it is joined again. */
  readonly failure: string | undefined;
}

export interface UseClassRoomOptions {
  /** Join only once this is true (for example when the member list has loaded). Default true. */
  readonly enabled?: boolean;
}

/**
 * The classroom's media for `useHandRaise`'s group: every member is in the class's room; this
 * user sends camera and microphone only while speaking (accepted an invitation to speak), and
 * stops when revoked or done. `createRoom` may change on every render; the one current when the
 * room is joined is used.
 *
 * @example
 * const media = useClassRoom(groupID, () =>
 *   new WebRtcRoom({ signaling: beckonRoomSignaling(client, () => others) }),
 * );
 * <SpeakerList groupID={groupID} renderMedia={(id) => <Video stream={media.remote.get(id)?.stream} />} />
 */
export function useClassRoom(
  groupID: string,
  createRoom: CreateClassRoom,
  options: UseClassRoomOptions = {},
): UseClassRoomResult {
  const enabled = options.enabled ?? true;
  const userID = useBeckonState((s) => s.userID);
  const speaking = useBeckonState(
    (s) => userID !== undefined && selectClassroom(s.invitations, groupID).hands.get(userID) === 'speaking',
  );
  const [room, setRoom] = useState<MediaRoom>();
  const [local, setLocal] = useState<MediaStream>();
  const [remote, setRemote] = useState<ReadonlyMap<string, RemoteMedia>>(new Map());
  const [failure, setFailure] = useState<string>();
  const create = useRef(createRoom);
  create.current = createRoom;

  useEffect(() => {
    if (!enabled || userID === undefined) return;
    const roomID = `group:${groupID}`;
    const current = create.current({ groupID, roomID, userID });
    setRoom(current);
    const offs = [
      current.on('remoteStream', (user, stream, kinds) =>
        setRemote((before) => new Map(before).set(user, { stream, kinds })),
      ),
      current.on('remoteUserLeft', (user) =>
        setRemote((before) => {
          const next = new Map(before);
          next.delete(user);
          return next;
        }),
      ),
      current.on('localStream', setLocal),
      current.on('failed', (error) => setFailure(error.message)),
    ];
    void current.join(roomID, userID).catch(() => {}); // Reported through 'failed'.
    return () => {
      for (const off of offs) off();
      void current.leave();
      setRoom(undefined);
      setLocal(undefined);
      setRemote(new Map());
      setFailure(undefined);
    };
  }, [enabled, userID, groupID]);

  // Publish on the first turn to speak; later turns switch the same camera and microphone on.
  const published = useRef<MediaRoom | undefined>(undefined);
  useEffect(() => {
    if (!room) return;
    if (speaking) {
      const start =
        published.current === room ? Promise.resolve() : room.publish({ audio: true, video: true });
      published.current = room;
      void start
        .then(() => Promise.all([room.setCameraEnabled(true), room.setMicrophoneEnabled(true)]))
        .catch(() => {});
    } else if (published.current === room) {
      void Promise.all([room.setCameraEnabled(false), room.setMicrophoneEnabled(false)]).catch(() => {});
      setLocal(undefined);
    }
  }, [room, speaking]);

  return { room, local, remote, failure };
}
