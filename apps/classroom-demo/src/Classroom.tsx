import { beckonRoomSignaling, WebRtcRoom } from '@beckon/media';
import { useClassRoom, useConnection, useGroupMembers, useHandRaise, useIceServers } from '@beckon/react';
import { ClassroomToolbar, HandRaisePrompt, HandRaiseQueue, SpeakerList } from '@beckon/ui';
import { useRef } from 'react';
import { Video } from '../../call-demo/src/Video.js';
import type { Session } from './session.js';

/** `?round=SECONDS` adds a short round length (the end-to-end tests use it). */
const shortRound = Number(new URLSearchParams(location.search).get('round'));
const ROUND_LENGTHS = shortRound > 0 ? [0, shortRound, 60, 120] : [0, 30, 60, 120];

export function Classroom({ session, onLeave }: { session: Session; onLeave: () => void }) {
  const { state } = useConnection();
  const members = useGroupMembers(session.groupID);
  const { queue } = useHandRaise(session.groupID);
  const all = members.data?.members ?? [];
  const students = all.filter((m) => !m.owner).map((m) => m.userID);
  // Everyone in the class is in its media room; the relay reaches the other members.
  const others = useRef<string[]>([]);
  others.current = all.map((m) => m.userID).filter((m) => m !== session.userID);
  // STUN/TURN from the server when it has them; the room is made once they are known.
  const ice = useIceServers();
  const media = useClassRoom(
    session.groupID,
    () =>
      new WebRtcRoom({
        signaling: beckonRoomSignaling(session.client, () => others.current),
        iceServers: ice.current,
        iceTransportPolicy: ice.data?.iceTransportPolicy ?? 'all',
      }),
    { enabled: all.length > 0 && ice.ready },
  );
  const teacher = session.role === 'teacher';

  return (
    <main className="demo" data-role={session.role}>
      <header className="demo-header">
        <h1>{members.data?.group.name ?? 'Class'}</h1>
        <p>
          {session.userID} ({session.role}) · <span data-testid="connection">{state}</span> · join code{' '}
          <strong data-testid="join-code">{session.code}</strong>{' '}
          <button type="button" className="beckon-link" onClick={onLeave}>
            Leave
          </button>
        </p>
      </header>
      {media.failure && (
        <p role="alert" data-testid="media-failure">
          {media.failure}
        </p>
      )}
      {teacher ? (
        <>
          <ClassroomToolbar groupID={session.groupID} students={students} timeouts={ROUND_LENGTHS} />
          <HandRaiseQueue groupID={session.groupID} />
        </>
      ) : (
        <>
          <HandRaisePrompt groupID={session.groupID} />
          <section className="beckon-panel" aria-label="Raised hands">
            <h2 className="beckon-title">Raised hands</h2>
            <ol className="beckon-list" data-testid="student-queue">
              {queue.map((q) => (
                <li key={q.userID}>{q.userID}</li>
              ))}
            </ol>
          </section>
        </>
      )}
      <SpeakerList
        groupID={session.groupID}
        renderMedia={(userID) => {
          if (userID === session.userID)
            return <Video stream={media.local} muted label={`video of ${userID}`} />;
          const remote = media.remote.get(userID);
          return remote?.kinds.includes('video') ? (
            <Video stream={remote.stream} label={`video of ${userID}`} />
          ) : null;
        }}
      />
      <section className="beckon-panel" aria-label="Class members">
        <h2 className="beckon-title">Class</h2>
        <ul className="beckon-list">
          {all.map((m) => (
            <li key={m.userID} data-online={m.online}>
              {m.userID} {m.owner ? '(teacher)' : ''} <small>{m.online ? 'online' : 'offline'}</small>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
