import { describe, expect, it } from 'vitest';
import { rmsToLevel, SpeakingDetector, speakingOptions } from './remoteState.js';

describe('SpeakingDetector', () => {
  const options = { threshold: 0.2, releaseMs: 500, intervalMs: 100 };

  it('starts at the threshold, holds through short gaps, and stops after the release time', () => {
    const d = new SpeakingDetector(options);
    expect(d.update(0.19, 0)).toBe(false);
    expect(d.speaking).toBe(false);
    expect(d.update(0.2, 100)).toBe(true);
    expect(d.speaking).toBe(true);
    // Between half the threshold and the threshold: still speaking, and the quiet clock restarts.
    expect(d.update(0.05, 200)).toBe(false);
    expect(d.update(0.15, 600)).toBe(false);
    expect(d.update(0.05, 700)).toBe(false);
    expect(d.update(0.05, 1199)).toBe(false);
    expect(d.speaking).toBe(true);
    expect(d.update(0.0, 1200)).toBe(true);
    expect(d.speaking).toBe(false);
    expect(d.update(0.0, 5000)).toBe(false);
  });

  it('a word inside the release time keeps speaking without a change', () => {
    const d = new SpeakingDetector(options);
    d.update(0.5, 0);
    d.update(0, 100);
    expect(d.update(0.3, 400)).toBe(false);
    expect(d.update(0, 500)).toBe(false);
    expect(d.update(0, 999)).toBe(false);
    expect(d.update(0, 1000)).toBe(true);
  });

  it('reset stops speaking at once and says whether it changed', () => {
    const d = new SpeakingDetector(options);
    expect(d.reset()).toBe(false);
    d.update(1, 0);
    expect(d.reset()).toBe(true);
    expect(d.speaking).toBe(false);
  });
});

describe('speakingOptions', () => {
  it('has defaults, can be switched off, and refuses nonsense', () => {
    expect(speakingOptions(undefined)).toEqual({ threshold: 0.1, releaseMs: 600, intervalMs: 200 });
    expect(speakingOptions(true)).toEqual({ threshold: 0.1, releaseMs: 600, intervalMs: 200 });
    expect(speakingOptions(false)).toBeUndefined();
    expect(speakingOptions({ threshold: 0.3 })?.threshold).toBe(0.3);
    expect(() => speakingOptions({ threshold: 0 })).toThrow(/threshold must be in \(0, 1\]/);
    expect(() => speakingOptions({ threshold: 2 })).toThrow(RangeError);
    expect(() => speakingOptions({ releaseMs: -1 })).toThrow(/releaseMs/);
    expect(() => speakingOptions({ intervalMs: 5 })).toThrow(/intervalMs must be a finite number >= 20/);
    expect(() => speakingOptions({ intervalMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('rmsToLevel', () => {
  it('maps -50..0 dBFS onto 0..1', () => {
    expect(rmsToLevel(0)).toBe(0);
    expect(rmsToLevel(Number.NaN)).toBe(0);
    expect(rmsToLevel(1)).toBe(1);
    expect(rmsToLevel(2)).toBe(1);
    expect(rmsToLevel(10 ** (-50 / 20))).toBeCloseTo(0);
    expect(rmsToLevel(10 ** (-25 / 20))).toBeCloseTo(0.5);
    expect(rmsToLevel(0.0001)).toBe(0); // -80 dBFS: silence
  });
});
