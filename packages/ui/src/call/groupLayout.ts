import { useEffect, useLayoutEffect, useRef, useState } from 'react';

/** Space between tiles, in px (the grid's CSS `gap`). */
const GAP = 8;

export interface GridFit {
  readonly columns: number;
  /** Tile size in px. */
  readonly width: number;
  readonly height: number;
}

/**
 * The grid for `count` tiles in a `width` x `height` area: the column count that gives the
 * largest tiles of the area's own shape (4:3 on a landscape screen, 3:4 on a portrait one), then
 * each tile as large as its cell allows without getting much taller or wider than that shape.
 */
export function fitGrid(count: number, width: number, height: number): GridFit {
  const ratio = width >= height ? 4 / 3 : 3 / 4;
  let best: GridFit = { columns: 1, width: 0, height: 0 };
  let score = -1;
  for (let columns = 1; columns <= Math.max(1, count); columns++) {
    const rows = Math.ceil(count / columns);
    const cellW = (width - GAP * (columns - 1)) / columns;
    const cellH = (height - GAP * (rows - 1)) / rows;
    const size = Math.min(cellW, cellH * ratio);
    if (size <= score) continue;
    score = size;
    // No wider than 16:9; no taller than 1:1 on a landscape screen, 9:16 on a portrait one.
    const w = Math.min(cellW, (cellH * 16) / 9);
    const h = Math.min(cellH, w / (ratio > 1 ? 1 : 9 / 16));
    best = { columns, width: Math.floor(w), height: Math.floor(h) };
  }
  return best;
}

/** The fitted grid for the element `useGrid` returns a ref for, re-fitted as it resizes. */
export function useGrid(count: number): [(el: HTMLElement | null) => void, GridFit | undefined] {
  const [el, setEl] = useState<HTMLElement | null>(null);
  const [box, setBox] = useState<readonly [number, number]>();
  useLayoutEffect(() => {
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setBox([entry.contentRect.width, entry.contentRect.height]);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return [setEl, box && box[0] > 0 && box[1] > 0 ? fitGrid(count, box[0], box[1]) : undefined];
}

/**
 * Who speaks now, for the highlight: the latest of the `speaking` ids to start, kept at least
 * `holdMs` (and as long after they stop), so a cough or two people talking over each other do
 * not make it jump. Only ids change it: the media layer's speaking flags are enough.
 */
export function useActiveSpeaker(speaking: readonly string[], holdMs: number): string | undefined {
  const [active, setActive] = useState<string>();
  const order = useRef<string[]>([]);
  const since = useRef(Number.NEGATIVE_INFINITY);
  const key = speaking.join('\n');
  useEffect(() => {
    const now = key ? key.split('\n') : [];
    // Newest speaker last.
    order.current = [
      ...order.current.filter((id) => now.includes(id)),
      ...now.filter((id) => !order.current.includes(id)),
    ];
    const next = order.current.at(-1);
    if (next === active) return;
    const wait = next === undefined ? holdMs : Math.max(0, since.current + holdMs - performance.now());
    const change = () => {
      since.current = performance.now();
      setActive(next);
    };
    if (wait === 0) return change();
    const timer = setTimeout(change, wait);
    return () => clearTimeout(timer);
  }, [key, active, holdMs]);
  return active;
}
