// @vitest-environment happy-dom

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AVATAR_TONES, Avatar, avatarTone } from './Avatar.js';

afterEach(cleanup);

const toneOf = (name: string) => {
  const { container } = render(<Avatar name={name} />);
  return container.querySelector('.beckon-avatar')?.getAttribute('data-tone');
};

/** WCAG 2 relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrastWithWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

describe('Avatar tones', () => {
  it('gives people whose names differ anywhere different tones', () => {
    const tones = ['Bob Smith', 'Carol Jones', 'Dave Lee'].map(toneOf);
    expect(new Set(tones).size).toBe(3);
    expect(toneOf('Bob Smith')).toBe(toneOf('Bob Smith'));
  });

  it('spreads names evenly over the palette (chi-square, 7 degrees of freedom, p > 0.001)', () => {
    const first = [
      'Ann',
      'Bob',
      'Carol',
      'Dave',
      'Erin',
      'Frank',
      'Grace',
      'Heidi',
      'Ivan',
      'Judy',
      'Li',
      'Wei',
    ];
    const last = [
      'Lee',
      'Smith',
      'Jones',
      'Wu',
      'Chen',
      'Ortiz',
      'Klum',
      'Reed',
      'Patel',
      'Hopper',
      'Kim',
      'Sato',
    ];
    const counts = new Array<number>(AVATAR_TONES).fill(0);
    for (const f of first)
      for (const l of last) counts[avatarTone(`${f} ${l}`)] = (counts[avatarTone(`${f} ${l}`)] ?? 0) + 1;
    const expected = (first.length * last.length) / AVATAR_TONES;
    const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(24.32);
    // Every tone is used, and names that differ in one letter mostly differ in tone.
    expect(counts.every((c) => c > 0)).toBe(true);
    const moved = first.filter((f) => avatarTone(`${f} Lee`) !== avatarTone(`${f} Lea`)).length;
    expect(moved).toBeGreaterThanOrEqual(first.length * 0.6);
  });

  it('has one background per tone in the stylesheet, each AA (4.5:1) for the white initials', () => {
    const css = readFileSync(join(import.meta.dirname, '../styles.css'), 'utf8');
    const base = /\.beckon-avatar \{[^}]*--beckon-avatar-bg: (#[0-9a-f]{6})/i.exec(css)?.[1];
    const tones = [
      ...css.matchAll(/\.beckon-avatar\[data-tone="(\d)"\] \{\s*--beckon-avatar-bg: (#[0-9a-f]{6})/gi),
    ];
    expect(tones.map((t) => Number(t[1]))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const palette = [base, ...tones.map((t) => t[2])];
    expect(palette).toHaveLength(AVATAR_TONES);
    for (const hex of palette) expect(contrastWithWhite(hex ?? '#ffffff'), hex).toBeGreaterThanOrEqual(4.5);
  });
});
