import { useEffect, useRef } from 'react';

/** A <video> showing a MediaStream; the local one is muted so nobody hears themselves. */
export function Video({
  stream,
  muted,
  label,
  sinkId,
}: {
  stream: MediaStream | undefined;
  muted?: boolean;
  label: string;
  /** The speaker to play on (`setSinkId`, where the browser has it); undefined is the default. */
  sinkId?: string | undefined;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== (stream ?? null)) ref.current.srcObject = stream ?? null;
  }, [stream]);
  useEffect(() => {
    const video = ref.current;
    // Only on a real change: a setSinkId while the element starts playing can leave it paused.
    const target = sinkId ?? '';
    if (video && 'setSinkId' in video && video.sinkId !== target) video.setSinkId(target).catch(() => {});
  }, [sinkId]);
  return (
    <video ref={ref} aria-label={label} autoPlay playsInline muted={muted ?? false} data-testid={label} />
  );
}
