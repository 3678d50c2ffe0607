import { useCall, useConnection, useGroupMembers } from '@beckon/react';
import { CallType } from '@beckon/signaling';
import {
  CallEndedSummary,
  CallHistoryList,
  CallView,
  IncomingCallDialog,
  OutgoingCallPanel,
} from '@beckon/ui';
import { useEffect, useState } from 'react';
import type { Session } from './session.js';
import { useCallMedia } from './useCallMedia.js';
import { Video } from './Video.js';

/** Joins the dev server's lobby group, so everyone signed in can see and call each other. */
function useLobby(session: Session): string | undefined {
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

export function Phone({ session }: { session: Session }) {
  const { state } = useConnection();
  const groupID = useLobby(session);
  const members = useGroupMembers(groupID);
  const call = useCall();
  const media = useCallMedia(session);
  const busy = call.phase !== 'idle' && call.phase !== 'ended';
  const others = (members.data?.members ?? []).filter((m) => m.userID !== session.userID);

  return (
    <main className="demo">
      <header className="demo-header">
        <h1>Beckon call demo</h1>
        <p>
          Signed in as <strong>{session.userID}</strong> · <span data-testid="connection">{state}</span>
        </p>
      </header>
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
              <button
                type="button"
                className="beckon-button"
                data-variant="accept"
                disabled={busy || !m.online}
                onClick={() => void call.dial(m.userID, { callType: CallType.VIDEO })}
              >
                Video call {m.userID}
              </button>
              <button
                type="button"
                className="beckon-button"
                disabled={busy || !m.online}
                onClick={() => void call.dial(m.userID, { callType: CallType.AUDIO })}
              >
                Audio call {m.userID}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <IncomingCallDialog />
      <OutgoingCallPanel />
      <CallView
        remoteMedia={<Video stream={media.remote} label="remote video" />}
        localMedia={<Video stream={media.local} muted label="local video" />}
        controls={{ onMicrophoneChange: media.setMicrophone, onCameraChange: media.setCamera }}
      />
      <CallEndedSummary />
      {call.missed.length > 0 && (
        <section className="beckon-panel" aria-label="Missed calls">
          <h2 className="beckon-title">Missed calls</h2>
          <ul className="beckon-list">
            {call.missed.map((m) => (
              <li key={m.inviteID}>{m.peer}</li>
            ))}
          </ul>
          <button type="button" className="beckon-button" onClick={call.clearMissed}>
            Clear
          </button>
        </section>
      )}
      <CallHistoryList />
    </main>
  );
}
