/**
 * Story fixture standing in for a camera: a still picture (an SVG drawn here, so stories and
 * their screenshots need no network and never change frame to frame).
 */
export function FakeVideo({ who, hue = 210 }: { who: string; hue?: number }) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 480"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${hue} 45% 38%)"/><stop offset="1" stop-color="hsl(${hue + 40} 40% 18%)"/></linearGradient></defs><rect width="640" height="480" fill="url(#g)"/><circle cx="320" cy="200" r="80" fill="hsl(${hue} 30% 80%)"/><ellipse cx="320" cy="470" rx="170" ry="150" fill="hsl(${hue} 30% 70%)"/></svg>`;
  return <img src={`data:image/svg+xml,${encodeURIComponent(svg)}`} alt={`${who}'s camera`} />;
}
