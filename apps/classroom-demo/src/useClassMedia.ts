import { beckonRoomSignaling, type MediaKind, WebRtcRoom } from '@beckon/media';
import { useEffect, useRef, useState } from 'react';

export interface Speaking {
  readonly stream: MediaStream;
  readonly kinds: readonly MediaKind[];
}

/**
 * Every member of the class is in the class's media room (`group:<id>`, relayed by the server
 * only between members); only speakers send their camera and microphone, and stop when they
 * are revoked or stop speaking.
 */
export function useClassMedia(
  client: Parameters<typeof beckonRoomSignaling>[0],
  userID: string,
  groupID: string,
  members: readonly string[],
  speaking: boolean,
): { remote: ReadonlyMap<string, Speaking>; local: MediaStream | undefined } {
  const [remote, setRemote] = useState<ReadonlyMap<string, Speaking>>(new Map());
  const [local, setLocal] = useState<MediaStream>();
  const roomRef = useRef<WebRtcRoom | undefined>(undefined);
  const membersRef = useRef(members);
  membersRef.current = members;
  const ready = members.length > 0;

  useEffect(() => {
    if (!ready) return;
    const room = new WebRtcRoom({
      signaling: beckonRoomSignaling(client, () => membersRef.current.filter((m) => m !== userID)),
    });
    roomRef.current = room;
    const offs = [
      room.on('remoteStream', (user, stream, kinds) =>
        setRemote((before) => new Map(before).set(user, { stream, kinds })),
      ),
      room.on('remoteUserLeft', (user) =>
        setRemote((before) => {
          const next = new Map(before);
          next.delete(user);
          return next;
        }),
      ),
      room.on('localStream', setLocal),
    ];
    void room.join(`group:${groupID}`, userID).catch(() => {});
    return () => {
      for (const off of offs) off();
      void room.leave();
      roomRef.current = undefined;
    };
  }, [ready, client, userID, groupID]);

  const published = useRef(false);
  useEffect(() => {
    const room = roomRef.current;
    if (!room) return;
    if (speaking) {
      const start = published.current ? Promise.resolve() : room.publish({ audio: true, video: true });
      published.current = true;
      void start
        .then(() => Promise.all([room.setCameraEnabled(true), room.setMicrophoneEnabled(true)]))
        .catch(() => {});
    } else if (published.current) {
      void Promise.all([room.setCameraEnabled(false), room.setMicrophoneEnabled(false)]).catch(() => {});
      setLocal(undefined);
    }
  }, [speaking]);

  return { remote, local };
}
