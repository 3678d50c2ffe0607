import { beckonRoomSignaling, type RoomAdapter, TrtcRoom, WebRtcRoom } from '@beckon/media';
import type { UseDevicesResult, UseGroupCallResult, UseIceServersResult } from '@beckon/react';
import { useGroupCallRoom } from '@beckon/react';
import { IncomingCallDialog } from '@beckon/ui';
import { GroupCallStage, type GroupTileMedia } from '@beckon/ui/group';
import { useEffect, useMemo, useState } from 'react';
import type { Session } from './session.js';
import { useMediaToggles } from './toggles.js';
import { Video } from './Video.js';

/** How a group call may end for someone who can still come back while it lasts. */
function canJoinAgain(group: UseGroupCallResult): boolean {
  const { endReason, direction, endedBy } = group;
  if (endReason === 'hungUp' || endReason === 'connectionLost') return group.startedAt !== undefined;
  // An invitee who declined or let it ring out may join the call the others are in.
  return (
    direction === 'incoming' &&
    (endReason === 'declined' || (endReason === 'timedOut' && endedBy === 'remote'))
  );
}

interface GroupCallProps {
  readonly session: Session;
  readonly group: UseGroupCallResult;
  readonly ice: UseIceServersResult;
  readonly devices: UseDevicesResult;
  /** People who could be added now (online, not in the call). */
  readonly addable: readonly string[];
  /** The call's participant limit (said when a call is full). */
  readonly limit: number;
}

/**
 * The demo's group call: the invitation dialog (with who else is invited), the stage with a
 * tile per person, "Add people", and the card saying how it ended with "Join again".
 */
export function GroupCall({ session, group, ice, devices, addable, limit }: GroupCallProps) {
  const media = useGroupCallRoom(
    (call): RoomAdapter => {
      const { trtc } = session;
      return trtc
        ? new TrtcRoom({ sdkAppId: trtc.sdkAppId, userSig: () => trtc.userSig() })
        : new WebRtcRoom({
            signaling: beckonRoomSignaling(session.client, call.members),
            iceServers: ice.current,
            iceTransportPolicy: ice.data?.iceTransportPolicy ?? 'all',
          });
    },
    { devices: devices.selected },
  );
  const toggles = useMediaToggles(media.actions, group.phase);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (group.phase === 'dialing' || group.phase === 'ringing') setAdding(false);
  }, [group.phase]);

  const tiles = useMemo(() => {
    const map = new Map<string, GroupTileMedia>();
    for (const [userID, remote] of media.remote) {
      const state = media.remoteState.get(userID);
      map.set(userID, {
        ...(state ?? {}),
        media: (
          <Video stream={remote.stream} label={`video of ${userID}`} sinkId={devices.selected.speaker} />
        ),
      });
    }
    return map;
  }, [media.remote, media.remoteState, devices.selected.speaker]);

  const others = group.participants.filter((p) => p.userID !== group.inviter).map((p) => p.userID);
  const inCall = new Set(
    group.participants.filter((p) => ['joined', 'ringing', 'invited'].includes(p.state)).map((p) => p.userID),
  );
  const add = (userID: string) => {
    setError(undefined);
    group.actions
      .invite([userID])
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };

  return (
    <>
      <IncomingCallDialog call={group} others={others} />
      <GroupCallStage
        call={group}
        self={session.userID}
        media={tiles}
        local={{
          media: <Video stream={media.local} muted label="local video" />,
          ...toggles.local,
        }}
        controls={toggles.controls}
        onLeave={() => void group.actions.hangUp()}
        onAddPeople={session.mode === 'beckon' ? () => setAdding((open) => !open) : undefined}
        onClose={group.actions.reset}
        onJoinAgain={canJoinAgain(group) ? () => void group.actions.join() : undefined}
        maxParticipants={limit}
        serverNow={() => session.client.serverNow()}
      >
        {adding && (
          <section aria-labelledby="demo-add-title" className="beckon-panel demo-add">
            <h3 id="demo-add-title">Add people</h3>
            {addable.filter((u) => !inCall.has(u)).length === 0 && <p>Nobody else is online.</p>}
            {addable
              .filter((u) => !inCall.has(u))
              .map((u) => (
                <button key={u} type="button" className="beckon-button" onClick={() => add(u)}>
                  Add {u}
                </button>
              ))}
            {error && <p role="alert">{error}</p>}
          </section>
        )}
      </GroupCallStage>
    </>
  );
}
