import { type UIEvent, useCallback, useState } from 'react';

export interface FixedRowsOptions {
  readonly count: number;
  /** Height of a row in px; a rendered row that is taller (it wraps on a narrow screen) raises it. */
  readonly rowHeight: number;
  /** Height of the scrolling area in px. */
  readonly height: number;
  /** Rows rendered beyond each edge of the visible ones. */
  readonly overscan: number;
}

export interface FixedRows {
  /** The row height in use: `rowHeight`, or the tallest row rendered so far if taller. */
  readonly size: number;
  /** Height of all rows together. */
  readonly total: number;
  /** The rows to render: indexes `first` (inclusive) to `end` (exclusive). */
  readonly first: number;
  readonly end: number;
  /** For the scrolling element's `onScroll`. */
  readonly onScroll: (event: UIEvent<HTMLElement>) => void;
  /** For each row's `ref`: measures it once laid out. */
  readonly measure: (row: HTMLElement | null) => void;
}

/**
 * Windowing for a list whose rows share one height: from the scroll position, which rows are in
 * view (plus `overscan` on each side). Every row is placed at `index * size`; nothing else is
 * measured, so 1,000 rows cost the same as 10. Scrolling is the browser's own, so the keyboard
 * (arrows, Page Up/Down, Home/End on the focused scroll area) works as in any list.
 */
export function useFixedRows(options: FixedRowsOptions): FixedRows {
  const { count, rowHeight, height, overscan } = options;
  const [scrollTop, setScrollTop] = useState(0);
  const [tallest, setTallest] = useState(0);
  const size = Math.max(rowHeight, tallest);
  const total = count * size;
  const onScroll = useCallback(
    (event: UIEvent<HTMLElement>) => setScrollTop(event.currentTarget.scrollTop),
    [],
  );
  const measure = useCallback((row: HTMLElement | null) => {
    // 0 where nothing is laid out (hidden, or a DOM without layout): the given height stands.
    const measured = Math.ceil(row?.getBoundingClientRect().height ?? 0);
    if (measured > 0) setTallest((t) => Math.max(t, measured));
  }, []);
  // A list that shrank under the scroll position shows its last rows until the browser clamps.
  const top = Math.max(0, Math.min(scrollTop, total - height));
  const first = Math.max(0, Math.floor(top / size) - overscan);
  const end = Math.min(count, Math.ceil((top + height) / size) + overscan);
  return { size, total, first, end, onScroll, measure };
}
