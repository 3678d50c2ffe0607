import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// If anything in the package imported React, this empty mock would break it.
vi.mock('react', () => ({}));

const here = new URL('.', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('@beckon/media entry points', () => {
  const files = sources(here).map((path) => ({
    name: relative(here, path),
    text: readFileSync(path, 'utf8'),
  }));

  it('imports no React and reads no DOM global by name', () => {
    for (const { name, text } of files) {
      expect(text, name).not.toMatch(/from ['"](react|react-dom)(\/[^'"]*)?['"]/);
      expect(text, name).not.toMatch(/\b(window|document|localStorage)\./);
    }
  });

  it('loads trtc-sdk-v5 only through a dynamic import', () => {
    for (const { name, text } of files) {
      const code = text.split('\n').filter((l) => !/^\s*(\/\/|\/\*|\*)/.test(l)); // not comments
      for (const line of code.filter((l) => l.includes("'trtc-sdk-v5'"))) {
        expect(line, name).toMatch(/^import type |await import\('trtc-sdk-v5'\)/);
      }
    }
  });

  it('imports no node: module (UserSigs are minted by @beckon/server)', () => {
    for (const { name, text } of files) {
      expect(text, name).not.toMatch(/from ['"]node:/);
    }
  });

  it('the main entry loads and builds rooms in Node, with no browser global and no SDK', async () => {
    expect(typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection).toBe('undefined');
    expect(typeof (globalThis as { MediaStream?: unknown }).MediaStream).toBe('undefined');
    const media = await import('./index.js');
    const loadSdk = vi.fn();
    const webrtc = new media.WebRtcRoom({ signaling: media.createMemoryRoomHub().connect });
    const trtc = new media.TrtcRoom({ sdkAppId: 1, userSig: () => '', loadSdk });
    expect(webrtc.roomID).toBeUndefined();
    expect(trtc.roomID).toBeUndefined();
    expect(loadSdk).not.toHaveBeenCalled();
    await webrtc.leave();
    await trtc.leave();
  });
});
