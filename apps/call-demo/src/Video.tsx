import { useEffect, useRef } from 'react';

/** A <video> showing a MediaStream; the local one is muted so nobody hears themselves. */
export function Video({
  stream,
  muted,
  label,
}: {
  stream: MediaStream | undefined;
  muted?: boolean;
  label: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== (stream ?? null)) ref.current.srcObject = stream ?? null;
  }, [stream]);
  return (
    <video ref={ref} aria-label={label} autoPlay playsInline muted={muted ?? false} data-testid={label} />
  );
}
