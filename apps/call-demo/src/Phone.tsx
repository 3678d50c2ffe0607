import { beckonRoomSignaling, type RoomAdapter, TrtcRoom, WebRtcRoom } from '@beckon/media';
import {
  useCall,
  useCallRoom,
  useConnection,
  useDevices,
  useGroupMembers,
  useIceServers,
} from '@beckon/react';
import { CallType } from '@beckon/signaling';
import { CallHistoryList, CallNotificationsButton, CallStage, DevicePicker } from '@beckon/ui';
import { useEffect, useState } from 'react';
import type { BeckonSession, Session } from './session.js';
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

/** Beckon mode: everyone in the dev server's lobby, with presence. */
function People({ session, busy, dial }: { session: BeckonSession; busy: boolean; dial: Dial }) {
  const groupID = useLobby(session);
  const members = useGroupMembers(groupID);
  const others = (members.data?.members ?? []).filter((m) => m.userID !== session.userID);
  return (
    <section aria-label="People" className="beckon-panel">
      <h2 className="beckon-title">People</h2>
      {others.length === 0 && (
        <p>Nobody else yet: open this page in another window and sign in with another name.</p>
      )}
      <ul className="beckon-list">
        {others.map((m) => (
          <li key={m.userID} className="beckon-row" data-online={m.online}>
            <span className="beckon-name">
              {m.userID} <small>{m.online ? 'online' : 'offline'}</small>
            </span>
            <CallButtons peer={m.userID} disabled={busy || !m.online} dial={dial} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Tencent mode: there is no Beckon server to list people, so calls go to a user id of the same
 * SDKAppID (another window of this demo, or a TUICallKit app signed in as that user).
 */
function CallByID({ me, ready, dial }: { me: string; ready: boolean; dial: Dial }) {
  const [peer, setPeer] = useState('');
  const id = peer.trim();
  return (
    <section aria-label="Call someone" className="beckon-panel">
      <h2 className="beckon-title">Call someone</h2>
      <div className="demo-signin">
        <label htmlFor="peer">User ID to call</label>
        <input id="peer" value={peer} onChange={(e) => setPeer(e.target.value)} autoComplete="off" />
        <CallButtons peer={id} disabled={!ready || id === '' || id === me} dial={dial} />
      </div>
    </section>
  );
}

export function Phone({ session }: { session: Session }) {
  const { state, error } = useConnection();
  const call = useCall();
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
  const busy = call.phase !== 'idle' && call.phase !== 'ended';
  const dial: Dial = (userID, callType) => void call.actions.dial(userID, { callType });
  // The toggles' state, so your own tile shows your avatar while your camera is off. Every call
  // starts with both on (the media room publishes both).
  const [microphoneOn, setMicrophoneOn] = useState(true);
  const [cameraOn, setCameraOn] = useState(true);
  useEffect(() => {
    if (call.phase === 'dialing' || call.phase === 'ringing') {
      setMicrophoneOn(true);
      setCameraOn(true);
    }
  }, [call.phase]);

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
        <People session={session} busy={busy} dial={dial} />
      ) : (
        <CallByID me={session.userID} ready={!busy && state === 'connected'} dial={dial} />
      )}
      {call.phase === 'idle' || call.phase === 'ended' ? (
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
        local={{ cameraOff: !cameraOn, muted: !microphoneOn }}
        controls={{
          microphoneOn,
          onMicrophoneChange: (on) => {
            setMicrophoneOn(on);
            media.actions.setMicrophoneEnabled(on);
          },
          cameraOn,
          onCameraChange: (on) => {
            setCameraOn(on);
            media.actions.setCameraEnabled(on);
          },
        }}
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
