// @vitest-environment happy-dom

import { type UseCallResult, useCall } from '@beckon/react';
import { CallType, createCallData } from '@beckon/signaling';
import type { CallEndReason } from '@beckon/signaling/call';
import { act, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { fill } from '../i18n/format.js';
import { en } from '../i18n/messages.js';
import { axeViolations, createWorld, flush } from '../test/world.js';
import { CallEndedCard } from './CallEndedCard.js';
import { CallStage } from './CallStage.js';
import type { ParticipantState } from './ParticipantTile.js';

let world: ReturnType<typeof createWorld>;
afterEach(() => world?.close());

const phone: { current: UseCallResult | undefined } = { current: undefined };
function Dialer() {
  phone.current = useCall();
  return (
    <button
      type="button"
      onClick={() => void phone.current?.actions.dial('bob', { callType: CallType.VIDEO })}
    >
      Call bob
    </button>
  );
}

/** The stage, with the remote state the media layer would report settable from the test. */
const media: { set?: (state: ParticipantState) => void } = {};
function Stage() {
  const [remote, setRemote] = useState<ParticipantState>({});
  media.set = setRemote;
  return (
    <CallStage
      remoteMedia={<span data-testid="remote" />}
      localMedia={<span data-testid="local" />}
      remote={remote}
    />
  );
}

describe('CallStage', () => {
  it('dialing takes over the page (inert behind, focus in the bar); in call it shows the other side’s state from props', async () => {
    world = createWorld();
    const bob = world.client('bob');
    world.renderAs(
      'alice',
      <>
        <Dialer />
        <Stage />
      </>,
    );
    await flush();
    const dial = screen.getByRole('button', { name: 'Call bob' });
    await userEvent.click(dial);
    await flush();
    const stage = screen.getByRole('region', { name: 'Calling bob…' });
    expect(stage.dataset.fit).toBe('viewport');
    expect(dial.closest('[inert]')).not.toBeNull();
    expect(document.activeElement).toBe(within(stage).getByRole('button', { name: 'Microphone' }));
    expect(within(stage).getByRole('button', { name: 'Cancel' })).toBeTruthy();

    await act(() => bob.accept([...bob.invitations.keys()][0] ?? ''));
    act(() => phone.current?.actions.remoteEntered());
    const live = screen.getByRole('region', { name: 'In call with bob' });
    const remoteTile = () => live.querySelector('.beckon-tile-remote') as HTMLElement;
    expect(remoteTile().dataset.camera).toBe('on');
    expect(within(live).getByRole('button', { name: 'Audio only' })).toBeTruthy();

    // The media layer reports bob's camera off and his microphone muted: his avatar (initials)
    // replaces the frozen frame, the video stays mounted (it plays his sound), the mark shows.
    act(() => media.set?.({ cameraOff: true, muted: true, name: 'Bob Builder' }));
    expect(remoteTile().dataset.camera).toBe('off');
    expect(remoteTile().querySelector('.beckon-avatar')?.textContent).toBe('BB');
    expect(remoteTile().textContent).toContain('Bob Builder, muted, camera off');
    expect(within(remoteTile()).getByTestId('remote')).toBeTruthy();
    expect(await axeViolations(document.body)).toEqual([]);

    // Meet's shortcut, announced.
    fireEvent.keyDown(document, { key: 'd', ctrlKey: true });
    expect(within(live).getByRole('button', { name: 'Microphone' }).getAttribute('aria-pressed')).toBe(
      'false',
    );
    expect(within(live).getByText('Microphone off')).toBeTruthy();

    // Your own view moves with the arrow keys, and says where it went.
    const own = within(live).getByRole('group', { name: 'Your video' });
    fireEvent.keyDown(own, { key: 'ArrowUp' });
    expect(own.dataset.corner).toBe('top-right');
    expect(within(live).getByText('Your video is now at the top right')).toBeTruthy();

    await userEvent.click(within(live).getByRole('button', { name: 'Hang up' }));
    await flush();
    const close = screen.getByRole('button', { name: 'Close' });
    expect(document.activeElement).toBe(close);
    expect(screen.getByRole('status').textContent).toMatch(/^You hung up after/);
    await userEvent.click(close);
    await flush();
    expect(screen.queryByRole('region')).toBeNull();
    expect(dial.closest('[inert]')).toBeNull();
    expect(document.activeElement).toBe(dial);
  });

  it('after Accept in its incoming dialog, focus goes to the microphone; an audio call shows two avatars', async () => {
    world = createWorld();
    const alice = world.client('alice');
    world.renderAs(
      'bob',
      <CallStage
        fit="container"
        incoming={{ ringtone: false, notifications: false }}
        remote={{ speaking: true }}
      />,
    );
    await flush();
    await act(() => alice.invite('bob', createCallData({ callType: CallType.AUDIO, roomID: 'r' })));
    const dialog = screen.getByRole('alertdialog', { name: 'alice is calling you' });
    expect(dialog.querySelector('.beckon-avatar')?.textContent).toBe('A');
    expect(within(dialog).getByRole('button', { name: 'Say I’m busy' })).toBeTruthy();
    expect(within(dialog).queryByText(/Notify me/)).toBeNull();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Accept' }));
    await flush();
    const stage = screen.getByRole('region', { name: 'Connecting to alice…' });
    expect(document.activeElement).toBe(within(stage).getByRole('button', { name: 'Microphone' }));
    expect(within(stage).queryByRole('button', { name: 'Camera' })).toBeNull();
    expect(stage.querySelectorAll('.beckon-tile[data-camera="off"] .beckon-avatar')).toHaveLength(2);
  });
});

describe('CallStage after a call ended elsewhere', () => {
  it('says the call was answered on another device, and shows nothing after a call this side declined', async () => {
    world = createWorld();
    const alice = world.client('alice');
    const otherBob = world.client('bob');
    world.renderAs('bob', <CallStage incoming={{ ringtone: false, notifications: false }} />);
    await flush();
    await act(() => alice.invite('bob', createCallData({ callType: CallType.VIDEO, roomID: 'r' })));
    await act(() => otherBob.accept([...otherBob.invitations.keys()][0] ?? ''));
    await flush();
    const stage = screen.getByRole('region', { name: 'Call with alice ended' });
    expect(within(stage).getByRole('status').textContent).toBe('Answered on another device');
    await userEvent.click(within(stage).getByRole('button', { name: 'Close' }));
    await flush();

    await act(() => alice.invite('bob', createCallData({ callType: CallType.VIDEO, roomID: 'r2' })));
    await userEvent.click(screen.getByRole('button', { name: 'Decline' }));
    await flush();
    expect(screen.queryByRole('region')).toBeNull();
  });
});

describe('CallEndedCard', () => {
  const reasons: CallEndReason[] = [
    'hungUp',
    'declined',
    'busy',
    'timedOut',
    'cancelled',
    'answeredElsewhere',
    'peerLeft',
    'connectionLost',
    'endedWhileDisconnected',
    'failed',
  ];
  it.each(reasons)('says why the call ended: %s', async (reason) => {
    world = createWorld();
    world.renderAs('alice', <CallEndedCard reason={reason} name="bob" onClose={() => {}} />);
    const sentence = screen.getByRole('status').textContent;
    expect(sentence).toBe(fill(en.outcome[reason], { name: 'bob', duration: '0 seconds' }));
    expect(sentence).not.toMatch(/[{}]/);
  });

  it('a connected call says how long it lasted, and who hung up', () => {
    world = createWorld();
    world.renderAs(
      'alice',
      <>
        <CallEndedCard reason="hungUp" endedBy="remote" durationSeconds={65} name="bob" onClose={() => {}} />
        <CallEndedCard reason="peerLeft" durationSeconds={42} name="bob" onClose={() => {}} />
        <CallEndedCard reason="connectionLost" durationSeconds={5} name="bob" onClose={() => {}} />
      </>,
    );
    expect(screen.getAllByRole('status')[0]?.textContent).toBe('bob hung up after 1 minute, 5 seconds');
    expect(screen.getAllByRole('status')[1]?.textContent).toBe('bob left the call after 42 seconds');
    expect(screen.getByText('The call lasted 5 seconds')).toBeTruthy();
  });
});
