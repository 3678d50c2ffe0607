import {
  beckonRoomSignaling,
  type RoomAdapter,
  TRTC_GROUP_CALL_LIMIT,
  TrtcRoom,
  WEBRTC_MESH_LIMIT,
  WebRtcRoom,
} from '@beckon/media';
import {
  type UseGroupCallOptions,
  useCall,
  useCallRoom,
  useConnection,
  useDevices,
  useGroupCall,
  useGroupMembers,
  useIceServers,
} from '@beckon/react';
import { CallType } from '@beckon/signaling';
import { CallHistoryList, CallNotificationsButton, CallStage, DevicePicker } from '@beckon/ui';
import { useEffect, useState } from 'react';
import { GroupCall } from './GroupCall.js';
import type { BeckonSession, Session } from './session.js';
import { useMediaToggles } from './toggles.js';
import { Video } from './Video.js';

/** Joins the dev server's lobby group, so everyone signed in can see and call each other. */
function useLobby(session: BeckonSession): string | undefined {
  const [groupID, setGroupID] = useState<string>();
  useEffect(() => {
    let live = true;
    void (async () => {
      const res = await fetch('/dev/lobby', {
        method: 'POST',
        headers: { authorization: `Bearer ${await session.token()}` },
      });
      const group = (await res.json()) as { groupID: string };
      if (live) setGroupID(group.groupID);
    })();
    return () => {
      live = false;
    };
  }, [session]);
  return groupID;
}

type Dial = (userID: string, callType: CallType) => void;
type DialMany = (userIDs: readonly string[], callType: CallType) => void;

/** The two call buttons for one person. */
function CallButtons({ peer, disabled, dial }: { peer: string; disabled: boolean; dial: Dial }) {
  return (
    <>
      <button
        type="button"
        className="beckon-button"
        data-variant="accept"
        disabled={disabled}
        onClick={() => dial(peer, CallType.VIDEO)}
      >
        Video call {peer}
      </button>
      <button
        type="button"
        className="beckon-button"
        disabled={disabled}
        onClick={() => dial(peer, CallType.AUDIO)}
      >
        Audio call {peer}
      </button>
    </>
  );
}

/** Beckon mode: everyone in the dev server's lobby, with presence; pick several for a group call. */
function People({
  session,
  busy,
  dial,
  dialMany,
  onOnline,
}: {
  session: BeckonSession;
  busy: boolean;
  dial: Dial;
  dialMany: DialMany;
  onOnline: (userIDs: readonly string[]) => void;
}) {
  const groupID = useLobby(session);
  const members = useGroupMembers(groupID);
  const others = (members.data?.members ?? []).filter((m) => m.userID !== session.userID);
  const online = others.filter((m) => m.online).map((m) => m.userID);
  const key = online.join('\n');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `online`'s content.
  useEffect(() => onOnline(online), [key, onOnline]);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const chosen = online.filter((u) => picked.has(u));
  const pick = (userID: string, on: boolean) =>
    setPicked((before) => {
      const next = new Set(before);
      if (on) next.add(userID);
      else next.delete(userID);
      return next;
    });
  return (
    <section aria-label="People" className="beckon-panel demo-people">
      <h2 className="beckon-title">People</h2>
      {others.length === 0 && (
        <p>Nobody else yet: open this page in another window and sign in with another name.</p>
      )}
      <ul className="beckon-list">
        {others.map((m) => (
          <li key={m.userID} className="beckon-row" data-online={m.online}>
            {/* The name picks too (a bigger target than the box); the box keeps its own name. */}
            <label className="beckon-name">
              <input
                type="checkbox"
                aria-label={`Pick ${m.userID} for a group call`}
                checked={picked.has(m.userID)}
                disabled={!m.online}
                onChange={(e) => pick(m.userID, e.currentTarget.checked)}
              />
              {m.userID} <small>{m.online ? 'online' : 'offline'}</small>
            </label>
            <CallButtons peer={m.userID} disabled={busy || !m.online} dial={dial} />
          </li>
        ))}
      </ul>
      {others.length > 1 && (
        <fieldset className="demo-signin demo-several">
          <legend>Call several people (tick them above)</legend>
          <button
            type="button"
            className="beckon-button"
            data-variant="accept"
            disabled={busy || chosen.length < 2}
            onClick={() => dialMany(chosen, CallType.VIDEO)}
          >
            Video call {chosen.length < 2 ? 'several people' : chosen.join(', ')}
          </button>
          <button
            type="button"
            className="beckon-button"
            disabled={busy || chosen.length < 2}
            onClick={() => dialMany(chosen, CallType.AUDIO)}
          >
            Audio call {chosen.length < 2 ? 'several people' : chosen.join(', ')}
          </button>
        </fieldset>
      )}
    </section>
  );
}

/**
 * Tencent mode: there is no Beckon server to list people, so calls go to a user id of the same
 * SDKAppID (another window of this demo, or a TUICallKit app signed in as that user).
 */
function CallByID({
  me,
  ready,
  dial,
  dialMany,
}: {
  me: string;
  ready: boolean;
  dial: Dial;
  dialMany: DialMany;
}) {
  const [peer, setPeer] = useState('');
  // Several IDs, separated by commas: a group call (one invitation each, as TUICallKit sends them).
  const ids = [...new Set(peer.split(',').map((id) => id.trim()))].filter((id) => id !== '' && id !== me);
  const one = ids.length === 1 ? (ids[0] ?? '') : '';
  return (
    <section aria-label="Call someone" className="beckon-panel">
      <h2 className="beckon-title">Call someone</h2>
      <div className="demo-signin">
        <label htmlFor="peer">User ID to call</label>
        <input
          id="peer"
          value={peer}
          onChange={(e) => setPeer(e.target.value)}
          autoComplete="off"
          aria-describedby="peer-hint"
        />
        <small id="peer-hint">Several, separated by commas: a group call.</small>
        {ids.length > 1 ? (
          <button
            type="button"
            className="beckon-button"
            data-variant="accept"
            disabled={!ready}
            onClick={() => dialMany(ids, CallType.VIDEO)}
          >
            Video call {ids.join(', ')}
          </button>
        ) : (
          <CallButtons peer={one} disabled={!ready || one === ''} dial={dial} />
        )}
      </div>
    </section>
  );
}

export function Phone({ session, groupOptions }: { session: Session; groupOptions?: UseGroupCallOptions }) {
  const { state, error } = useConnection();
  const call = useCall();
  // Group calls: a WebRTC mesh takes 6 people, TRTC rooms 9 (TUICallKit's group call limit).
  const groupLimit =
    groupOptions?.maxParticipants ?? (session.trtc ? TRTC_GROUP_CALL_LIMIT : WEBRTC_MESH_LIMIT);
  const group = useGroupCall({ ...groupOptions, maxParticipants: groupLimit });
  const [online, setOnline] = useState<readonly string[]>([]);
  // STUN/TURN from the Beckon server when it has them (peer-to-peer calls across networks).
  const ice = useIceServers({ enabled: session.mode === 'beckon' && !session.trtc });
  // The picked camera, microphone and speaker, used by calls and switched live during one.
  const devices = useDevices();
  const [showDevices, setShowDevices] = useState(false);
  // TRTC when the server has credentials; otherwise peer to peer, signaled through Beckon.
  const media = useCallRoom(
    ({ peer }): RoomAdapter => {
      const { trtc } = session;
      return trtc
        ? new TrtcRoom({ sdkAppId: trtc.sdkAppId, userSig: () => trtc.userSig() })
        : new WebRtcRoom({
            signaling: beckonRoomSignaling(session.client, () => [peer]),
            iceServers: ice.current,
            iceTransportPolicy: ice.data?.iceTransportPolicy ?? 'all',
          });
    },
    { devices: devices.selected },
  );
  const active = (phase: string) => phase !== 'idle' && phase !== 'ended';
  const busy = active(call.phase) || active(group.phase);
  const dial: Dial = (userID, callType) => void call.actions.dial(userID, { callType });
  const dialMany: DialMany = (userIDs, callType) => void group.actions.start(userIDs, { callType });
  const toggles = useMediaToggles(media.actions, call.phase);

  return (
    <main className="demo">
      <header className="demo-header">
        <h1>Beckon call demo</h1>
        <p>
          Signed in as <strong>{session.userID}</strong> · <span data-testid="connection">{state}</span>
          {session.mode === 'tencent' && ' · Tencent Cloud Chat'}
        </p>
        {state === 'closed' && error && <p role="alert">{error.message}</p>}
        <CallNotificationsButton />
      </header>
      {session.mode === 'beckon' ? (
        <People session={session} busy={busy} dial={dial} dialMany={dialMany} onOnline={setOnline} />
      ) : (
        <CallByID
          me={session.userID}
          ready={!busy && state === 'connected'}
          dial={dial}
          dialMany={dialMany}
        />
      )}
      {!busy ? (
        <details className="beckon-panel" onToggle={(e) => setShowDevices(e.currentTarget.open)}>
          <summary>Camera, microphone and speaker</summary>
          {showDevices && <DevicePicker devices={devices} preview />}
        </details>
      ) : null}
      <CallStage
        remoteMedia={<Video stream={media.remote} label="remote video" sinkId={devices.selected.speaker} />}
        {...(media.remoteState ? { remote: media.remoteState } : {})}
        devices={<DevicePicker devices={devices} {...(media.local ? { preview: media.local } : {})} />}
        localMedia={<Video stream={media.local} muted label="local video" />}
        local={toggles.local}
        controls={toggles.controls}
      />
      <GroupCall
        session={session}
        group={group}
        ice={ice}
        devices={devices}
        addable={online}
        limit={groupLimit}
      />
      {call.phase === 'ended' && call.failure && (
        <p role="alert" data-testid="call-failure">
          {call.failure}
        </p>
      )}
      {call.missed.length > 0 && (
        <section className="beckon-panel" aria-label="Missed calls">
          <h2 className="beckon-title">Missed calls</h2>
          <ul className="beckon-list">
            {call.missed.map((m) => (
              <li key={m.inviteID}>{m.peer}</li>
            ))}
          </ul>
          <button type="button" className="beckon-button" onClick={call.actions.clearMissed}>
            Clear
          </button>
        </section>
      )}
      {session.mode === 'beckon' && <CallHistoryList />}
    </main>
  );
}
