import type { UseClassRoomResult } from '@beckon/react';
import { Avatar } from '@beckon/ui';
import { useEffect, useState } from 'react';
import { Video } from '../../call-demo/src/Video.js';

/**
 * The teacher's camera and microphone, sent to the whole class from the moment the room is joined
 * (students send theirs only while speaking). The teacher sees a mirrored self view and can turn
 * either off; students see and hear the teacher.
 */
export function TeacherView({
  teacher,
  isTeacher,
  media,
}: {
  teacher: string | undefined;
  isTeacher: boolean;
  media: UseClassRoomResult;
}) {
  const { room } = media;
  const [mic, setMic] = useState(true);
  const [camera, setCamera] = useState(true);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!isTeacher || !room) return;
    setMic(true);
    setCamera(true);
    room.publish({ audio: true, video: true }).catch((e: unknown) => setError(String(e)));
  }, [isTeacher, room]);
  const toggle = (kind: 'mic' | 'camera') => () => {
    if (!room) return;
    const next = kind === 'mic' ? !mic : !camera;
    (kind === 'mic' ? setMic : setCamera)(next);
    const done = kind === 'mic' ? room.setMicrophoneEnabled(next) : room.setCameraEnabled(next);
    done.catch((e: unknown) => setError(String(e)));
  };
  const remote = teacher === undefined ? undefined : media.remote.get(teacher);
  const stream = isTeacher ? (camera ? media.local : undefined) : remote?.stream;
  const video = isTeacher ? camera && media.local : remote?.kinds.includes('video');
  const label = `video of ${teacher ?? 'the teacher'}`;
  return (
    <section className="beckon-panel classroom-teacher" aria-label="Teacher">
      <h2 className="beckon-title">{isTeacher ? 'You (teacher)' : `Teacher: ${teacher ?? '…'}`}</h2>
      <div className="classroom-tile" data-self={isTeacher || undefined}>
        {video ? <Video stream={stream} muted={isTeacher} label={label} /> : <Avatar name={teacher} />}
        {!video && <span className="classroom-tile-note">Camera off</span>}
      </div>
      {isTeacher && (
        <fieldset className="beckon-actions classroom-devices" disabled={!room}>
          <legend className="beckon-visually-hidden">Your camera and microphone</legend>
          <button type="button" className="beckon-toggle" aria-pressed={mic} onClick={toggle('mic')}>
            Microphone
          </button>
          <button type="button" className="beckon-toggle" aria-pressed={camera} onClick={toggle('camera')}>
            Camera
          </button>
        </fieldset>
      )}
      {error && (
        <p role="alert" className="beckon-note">
          {error}
        </p>
      )}
    </section>
  );
}
