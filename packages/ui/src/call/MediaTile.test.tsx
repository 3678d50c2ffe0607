// @vitest-environment happy-dom
import { useCall } from '@beckon/react';
import { CallType } from '@beckon/signaling';
import { act, cleanup, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { BeckonUIProvider } from '../i18n/I18nProvider.js';
import { axeViolations, createWorld, flush } from '../test/world.js';
import { initials } from './Avatar.js';
import { CallView } from './CallView.js';
import { MediaTile } from './MediaTile.js';

afterEach(() => cleanup());

describe('initials', () => {
  it('takes up to two letters, one character for CJK names', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('bob')).toBe('B');
    expect(initials('  carol.smith@example.com ')).toBe('CS');
    expect(initials('王小明')).toBe('王');
    expect(initials('さくら')).toBe('さ');
    expect(initials('')).toBe('');
  });
});

describe('MediaTile', () => {
  it('camera on: the video shows; camera off: a placeholder with initials, the video stays mounted', async () => {
    const { rerender, container } = render(
      <BeckonUIProvider>
        <MediaTile name="Bob Stone">
          <video aria-label="remote video" muted />
        </MediaTile>
      </BeckonUIProvider>,
    );
    const tile = container.querySelector('.beckon-media-tile') as HTMLElement;
    expect(tile.dataset.camera).toBe('on');
    expect(screen.queryByRole('img', { name: 'Bob Stone, camera off' })).toBeNull();
    rerender(
      <BeckonUIProvider>
        <MediaTile name="Bob Stone" cameraOff>
          <video aria-label="remote video" muted />
        </MediaTile>
      </BeckonUIProvider>,
    );
    expect(tile.dataset.camera).toBe('off');
    const placeholder = screen.getByRole('img', { name: 'Bob Stone, camera off' });
    expect(placeholder.textContent).toBe('BS');
    expect(container.querySelector('video')).not.toBeNull(); // its audio keeps playing
    expect(await axeViolations(container)).toEqual([]);
  });

  it("shows the app's avatar instead of initials", () => {
    const { container } = render(
      <BeckonUIProvider>
        <MediaTile name="Bob" avatarUrl="https://example.com/bob.png" cameraOff />
      </BeckonUIProvider>,
    );
    expect(container.querySelector('img.beckon-media-tile-avatar')?.getAttribute('src')).toBe(
      'https://example.com/bob.png',
    );
    expect(screen.getByRole('img', { name: 'Bob, camera off' }).textContent).toBe('');
  });

  it('muted: an icon and an announced text (a status region), in the UI language; speaking: data-speaking', async () => {
    const view = (muted: boolean, speaking: boolean) => (
      <BeckonUIProvider locale="ja">
        <MediaTile name="ボブ" muted={muted} speaking={speaking} />
      </BeckonUIProvider>
    );
    const { rerender, container } = render(view(false, true));
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('');
    expect(container.querySelector('.beckon-media-tile')?.hasAttribute('data-speaking')).toBe(true);
    rerender(view(true, false));
    expect(screen.getByRole('status').textContent).toBe('ボブ さんはミュート中です');
    expect(container.querySelector('.beckon-muted-mark')).not.toBeNull();
    expect(container.querySelector('.beckon-media-tile')?.hasAttribute('data-muted')).toBe(true);
    expect(container.querySelector('.beckon-media-tile')?.hasAttribute('data-speaking')).toBe(false);
    expect(await axeViolations(container)).toEqual([]);
  });
});

const phone: { current: ReturnType<typeof useCall> | undefined } = { current: undefined };
const remote: { set?: (state: { muted: boolean; cameraOff: boolean }) => void } = {};

/** Alice's call screen, with the remote state settable from the test. */
function Dialer() {
  phone.current = useCall();
  const [state, setState] = useState({ muted: true, cameraOff: true });
  remote.set = setState;
  return (
    <CallView
      remoteMedia={<video aria-label="remote video" muted />}
      remoteState={state}
      displayName={(id) => (id === 'bob' ? 'Bob Stone' : id)}
    />
  );
}

describe('CallView with the remote state', () => {
  it("shows the peer's placeholder and muted mark, and video again once the camera is back", async () => {
    const world = createWorld();
    try {
      const bob = world.client('bob');
      bob.on('onReceiveNewInvitation', (e) => void bob.accept(e.inviteID));
      world.renderAs('alice', <Dialer />);
      await flush();
      await act(() => phone.current?.actions.dial('bob', { callType: CallType.VIDEO, roomID: 'r' }));
      await flush();
      const call = screen.getByRole('region');
      expect(within(call).getByRole('img', { name: 'Bob Stone, camera off' }).textContent).toBe('BS');
      expect(within(call).getByRole('status').textContent).toBe('Bob Stone is muted');
      act(() => remote.set?.({ muted: false, cameraOff: false }));
      expect(within(call).queryByRole('img', { name: /camera off/ })).toBeNull();
      expect(within(call).getByRole('status').textContent).toBe('');
      expect(within(call).getByLabelText('remote video')).toBeTruthy();
    } finally {
      world.close();
    }
  });
});
