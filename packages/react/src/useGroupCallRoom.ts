import { CallType } from '@beckon/signaling';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useBeckonRuntime } from './context.js';
import { groupRuntime } from './groupRuntime.js';
import type { MediaRoom, PeerMediaState } from './mediaRoom.js';
import {
  type CallRoomActions,
  enterRoom,
  needsRoom,
  type RoomDeviceOptions,
  useRoomControls,
} from './roomControls.js';
import { useBeckonState } from './useBeckonState.js';
import type { RemoteMedia } from './useClassRoom.js';

/** The group call a room is created for. */
export interface GroupCallRoomTarget {
  readonly roomID: string;
  /** '' for a call without a chat group. */
  readonly groupID: string;
  readonly callType: CallType;
  /** This user, as the room is joined. */
  readonly userID: string;
  /**
   * Everyone else in the call now (joined or still being rung): a peer-to-peer room greets them
   * when it joins (`beckonRoomSignaling(client, target.members)`). Read it when needed, not once.
   */
  readonly members: () => readonly string[];
}

/** Creates the media room of one group call; called once per call, when the call needs media. */
export type CreateGroupCallRoom = (call: GroupCallRoomTarget) => MediaRoom;

export interface UseGroupCallRoomResult {
  readonly room: MediaRoom | undefined;
  readonly local: MediaStream | undefined;
  /** The others' media, by user. */
  readonly remote: ReadonlyMap<string, RemoteMedia>;
  /** The others' microphone, camera and voice activity, by user, as the room reports them. */
  readonly remoteState: ReadonlyMap<string, PeerMediaState>;
  readonly actions: CallRoomActions;
}

export interface UseGroupCallRoomOptions extends RoomDeviceOptions {
  /**
   * How long a participant may be gone from the room (left without a leave notice, or the
   * connection to them failed) before they count as left. Default: the group call's
   * `remoteLeaveGraceMs`, else 10 s.
   */
  readonly remoteLeaveGraceMs?: number;
}

const without = <V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> => {
  if (!map.has(key)) return map;
  const next = new Map(map);
  next.delete(key);
  return next;
};

/**
 * The media of `useGroupCall`'s call: the caller enters the room when dialing, an invitee after
 * accepting (or joining again); each participant's media entering or leaving the room tells the
 * call who is in it; a participant whose connection fails gets the grace period to come back.
 * The room is left when the call ends for this side. Any other media failure (camera denied, a
 * room over its participant limit) ends this side's call and tells the others.
 *
 * @example
 * const group = useGroupCall();
 * const media = useGroupCallRoom((call) =>
 *   new WebRtcRoom({ signaling: beckonRoomSignaling(client, call.members) }),
 * );
 * <GroupCallStage call={group} remote={media.remote} local={media.local} />
 */
export function useGroupCallRoom(
  createRoom: CreateGroupCallRoom,
  options: UseGroupCallRoomOptions = {},
): UseGroupCallRoomResult {
  const runtime = useBeckonRuntime('useGroupCallRoom');
  const { controller, store, retain } = groupRuntime(runtime);
  useEffect(() => retain(), [retain]);
  const userID = useBeckonState((s) => s.userID);
  const { phase, direction, roomID, groupID, callType } = useSyncExternalStore(
    store.subscribe,
    store.getState,
    store.getState,
  );
  const [room, setRoom] = useState<MediaRoom>();
  const [local, setLocal] = useState<MediaStream>();
  const [remote, setRemote] = useState<ReadonlyMap<string, RemoteMedia>>(new Map());
  const [remoteState, setRemoteState] = useState<ReadonlyMap<string, PeerMediaState>>(new Map());
  const create = useRef(createRoom);
  create.current = createRoom;
  const latest = useRef(options);
  latest.current = options;

  const inRoom = needsRoom(phase, direction);

  useEffect(() => {
    if (!inRoom || !roomID || !userID) return;
    const kind = callType ?? CallType.AUDIO;
    const members = () =>
      store
        .getState()
        .participants.filter((p) => p.state === 'joined' || p.state === 'ringing' || p.state === 'invited')
        .map((p) => p.userID);
    const current = create.current({ roomID, groupID, callType: kind, userID, members });
    setRoom(current);
    const grace = () => latest.current.remoteLeaveGraceMs;
    const offs = [
      current.on('remoteUserEntered', (user) => controller.remoteEntered(user)),
      current.on('remoteUserLeft', (user) => {
        controller.remoteLeft(user, grace());
        setRemote((before) => without(before, user));
        setRemoteState((before) => without(before, user));
      }),
      current.on('remoteStream', (user, stream, kinds) =>
        setRemote((before) => new Map(before).set(user, { stream, kinds })),
      ),
      current.on('remoteMedia', (user, state) =>
        setRemoteState((before) => new Map(before).set(user, state)),
      ),
      current.on('localStream', (stream) => setLocal(stream)),
      current.on('failed', (error) => {
        // One participant's connection died: as good as gone, unless they come back within the
        // grace period. This room refusing a newcomer past its limit is theirs to hear, not a
        // failure of this call. Other failures (camera, TURN, the others' rooms full) end it.
        if (error.reason === 'ice-failed' && error.userID) controller.remoteLeft(error.userID, grace());
        else if (error.reason !== 'room-full' || error.details?.refusedBy !== 'local')
          controller.fail(error.message);
      }),
    ];
    enterRoom(current, latest.current.devices ?? {}, roomID, userID, kind);
    return () => {
      for (const off of offs) off();
      void current.leave();
      setRoom(undefined);
      setLocal(undefined);
      setRemote(new Map());
      setRemoteState(new Map());
    };
  }, [inRoom, roomID, groupID, callType, userID, controller, store]);

  const actions = useRoomControls(room, options);
  return { room, local, remote, remoteState, actions };
}
