import { beckonRoomSignaling, WebRtcRoom } from '@beckon/media';
import { useClassRoom, useConnection, useGroupMembers, useHandRaise, useIceServers } from '@beckon/react';
import { ClassJoinCode, ClassroomToolbar, HandRaisePrompt, HandRaiseQueue, SpeakerList } from '@beckon/ui';
import { useRef } from 'react';
import { Video } from '../../call-demo/src/Video.js';
import { joinLink, type Session } from './session.js';
import { TeacherView } from './TeacherView.js';

/** `?round=SECONDS` adds a short round length (the end-to-end tests use it). */
const shortRound = Number(new URLSearchParams(location.search).get('round'));
const ROUND_LENGTHS = shortRound > 0 ? [0, shortRound, 60, 120] : [0, 30, 60, 120];
/** A student's list of raised hands shows this many; a lecture of 1,000 says how many more. */
const HANDS_SHOWN = 20;

export function Classroom({ session, onLeave }: { session: Session; onLeave: () => void }) {
  const { state } = useConnection();
  const members = useGroupMembers(session.groupID);
  const { queue, positions } = useHandRaise(session.groupID);
  const mine = positions.get(session.userID);
  const all = members.data?.members ?? [];
  const students = all.filter((m) => !m.owner).map((m) => m.userID);
  const teacherID = all.find((m) => m.owner)?.userID;
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
    <main className="demo classroom" data-role={session.role}>
      <header className="demo-header classroom-header">
        <div className="classroom-title">
          <h1>{members.data?.group.name ?? 'Class'}</h1>
          <p>
            {session.userID} ({session.role}) · <span data-testid="connection">{state}</span>
          </p>
        </div>
        <button type="button" className="beckon-button" data-variant="secondary" onClick={onLeave}>
          Leave
        </button>
        <ClassJoinCode
          className="classroom-code"
          code={session.code}
          link={teacher ? joinLink(session.code) : undefined}
        />
      </header>
      {media.failure && (
        <p role="alert" data-testid="media-failure">
          {media.failure}
        </p>
      )}
      <div className="classroom-side">
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
              {queue.length === 0 ? (
                <p className="beckon-empty">No hands raised</p>
              ) : (
                <>
                  {mine !== undefined && (
                    <p role="status" data-testid="my-position">
                      Your hand is number {mine + 1} in the queue
                    </p>
                  )}
                  <ol className="beckon-list classroom-hands" data-testid="student-queue">
                    {queue.slice(0, HANDS_SHOWN).map((q) => (
                      <li key={q.userID}>{q.userID}</li>
                    ))}
                  </ol>
                  {queue.length > HANDS_SHOWN && (
                    <p className="beckon-empty">and {queue.length - HANDS_SHOWN} more</p>
                  )}
                </>
              )}
            </section>
          </>
        )}
      </div>
      <div className="classroom-main">
        <TeacherView teacher={teacherID} isTeacher={teacher} media={media} />
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
          <ul className="beckon-list classroom-members">
            {all.map((m) => (
              <li key={m.userID} data-online={m.online}>
                <span>
                  {m.userID} {m.owner ? '(teacher)' : ''}
                </span>
                <small>{m.online ? 'online' : 'offline'}</small>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </main>
  );
}
