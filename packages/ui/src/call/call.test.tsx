// @vitest-environment happy-dom

import { type UseCallResult, useCall } from '@beckon/react';
import { CallType, createCallData } from '@beckon/signaling';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { axeViolations, createWorld, flush } from '../test/world.js';
import { CallEndedSummary } from './CallEndedSummary.js';
import { CallView } from './CallView.js';
import { IncomingCallDialog } from './IncomingCallDialog.js';
import { OutgoingCallPanel } from './OutgoingCallPanel.js';

let world: ReturnType<typeof createWorld>;

/** The call hook of the rendered user, for driving the flow from the test. */
const phone: { current: UseCallResult | undefined } = { current: undefined };
function Dialer() {
  phone.current = useCall();
  return null;
}
afterEach(() => world?.close());

const video = (roomID = 'room-1') => createCallData({ callType: CallType.VIDEO, roomID });

describe('IncomingCallDialog', () => {
  it('rings as an alertdialog: focus on Accept, countdown, accept closes it and gives focus back', async () => {
    world = createWorld();
    const alice = world.client('alice');
    const { client: bob } = world.renderAs(
      'bob',
      <>
        <button type="button">before</button>
        <IncomingCallDialog ringtone={false} notifications={false} displayName={(id) => id.toUpperCase()} />
      </>,
    );
    await flush();
    screen.getByText('before').focus();
    await act(() => alice.invite('bob', video(), { timeout: 30 }));
    const dialog = screen.getByRole('alertdialog', { name: 'ALICE is video calling you' });
    expect(dialog).toHaveProperty('dataset.state', 'ringing');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Accept' }));
    expect(dialog.getAttribute('aria-describedby')).toBeTruthy();
    expect(within(dialog).getByText('30 seconds left')).toBeTruthy();
    expect(await axeViolations(document.body)).toEqual([]);

    await world.advance(29_000);
    expect(within(dialog).getByText('1 second left').dataset.urgent).toBe('');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Accept' }));
    await flush();
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByText('before'));
    expect(bob.invitations.size).toBe(0);
  });

  it('Escape declines; Tab stays inside the dialog; “Say I’m busy” sends the line-busy reason', async () => {
    world = createWorld();
    const alice = world.client('alice');
    const reasons: string[] = [];
    alice.on('onInviteeRejected', (e) => reasons.push(JSON.parse(e.data || '{}').line_busy ?? 'plain'));
    world.renderAs('bob', <IncomingCallDialog ringtone={false} notifications={false} />);
    await flush();
    await act(() => alice.invite('bob', video()));
    const user = userEvent.setup();
    await user.tab();
    await user.tab();
    await user.tab();
    expect(document.activeElement?.textContent).toBe('Accept');
    await user.keyboard('{Escape}');
    await flush();
    expect(screen.queryByRole('alertdialog')).toBeNull();

    await act(() => alice.invite('bob', video('room-2')));
    await user.click(screen.getByRole('button', { name: 'Say I’m busy' }));
    await flush();
    expect(reasons).toEqual(['plain', 'line_busy']);
  });

  it('speaks Japanese and Chinese, and takes overrides', async () => {
    world = createWorld();
    const alice = world.client('alice');
    world.renderAs('bob', <IncomingCallDialog ringtone={false} notifications={false} />, {
      locale: 'ja',
      messages: { accept: '出る' },
    });
    world.renderAs('carol', <IncomingCallDialog ringtone={false} notifications={false} />, {
      locale: 'zh-CN',
    });
    await flush();
    await act(() => alice.invite('bob', video()));
    await act(() => alice.invite('carol', createCallData({ callType: CallType.AUDIO, roomID: 'r' })));
    expect(screen.getByRole('alertdialog', { name: 'alice さんからビデオ通話' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '出る' })).toBeTruthy();
    expect(screen.getByRole('alertdialog', { name: 'alice 邀请你语音通话' })).toBeTruthy();
    expect(screen.getByText('剩余 30 秒')).toBeTruthy();
  });

  it('is controlled by open/onOpenChange', async () => {
    world = createWorld();
    const alice = world.client('alice');
    const changes: boolean[] = [];
    world.renderAs(
      'bob',
      <IncomingCallDialog open={false} onOpenChange={(o) => changes.push(o)} ringtone={false} />,
    );
    await flush();
    await act(() => alice.invite('bob', video()));
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});

describe('OutgoingCallPanel, CallView, CallEndedSummary', () => {
  it('shows the call with toggles (aria-pressed), the timer on the server clock, then the summary', async () => {
    world = createWorld();
    const bob = world.client('bob');
    bob.on('onReceiveNewInvitation', (e) => void bob.accept(e.inviteID));
    world.renderAs(
      'alice',
      <>
        <Dialer />
        <OutgoingCallPanel />
        <CallView remoteMedia={<span>remote video</span>} />
        <CallEndedSummary />
      </>,
    );
    await flush();
    await act(() => phone.current?.actions.dial('bob', { callType: CallType.VIDEO }) ?? Promise.resolve());
    await flush();
    expect(screen.getByRole('region', { name: 'Connecting to bob…' })).toBeTruthy();
    act(() => phone.current?.actions.remoteEntered());
    expect(screen.getByRole('region', { name: 'In call with bob' }).dataset.state).toBe('inCall');
    await world.advance(65_000);
    expect(screen.getByRole('timer').textContent).toBe('1:05');
    expect(screen.getByRole('timer').getAttribute('aria-label')).toBe('Call duration: 1 minute, 5 seconds');

    const mic = screen.getByRole('button', { name: 'Microphone' });
    expect(mic.getAttribute('aria-pressed')).toBe('true');
    await userEvent.click(mic);
    expect(mic.getAttribute('aria-pressed')).toBe('false');
    expect(await axeViolations(document.body)).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Hang up' }));
    await flush();
    expect(screen.getByRole('status').textContent).toBe('You hung up after 1 minute, 5 seconds');
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('outgoing: “Calling…” with Cancel, then the outcome announced', async () => {
    world = createWorld();
    const bob = world.client('bob');
    world.renderAs(
      'alice',
      <>
        <Dialer />
        <OutgoingCallPanel />
      </>,
    );
    await flush();
    await act(() => phone.current?.actions.dial('bob', { callType: CallType.VIDEO }) ?? Promise.resolve());
    expect(screen.getByRole('status').textContent).toBe('Calling bob…');
    const invitation = [...bob.invitations.values()][0];
    await act(() => bob.reject(invitation?.inviteID ?? ''));
    expect(screen.getByRole('status').textContent).toBe('bob declined the call');
    expect(screen.getByRole('region').dataset.state).toBe('declined');
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));

    await act(() => phone.current?.actions.dial('bob', { callType: CallType.VIDEO }) ?? Promise.resolve());
    await world.advance(30_000);
    expect(screen.getByRole('status').textContent).toBe('No answer from bob');
  });

  it("tells the user's other device that the call was answered there, and the survivor that the peer left", async () => {
    world = createWorld();
    const alice = world.client('alice');
    const otherBob = world.client('bob');
    world.renderAs(
      'bob',
      <>
        <Dialer />
        <CallEndedSummary />
      </>,
    );
    await flush();
    await act(() => alice.invite('bob', video(), { timeout: 30 }));
    await flush();
    expect(phone.current?.phase).toBe('ringing');
    await act(() => otherBob.accept([...otherBob.invitations.keys()][0] ?? ''));
    await flush();
    expect(screen.getByRole('status').textContent).toBe('Answered on another device');
    expect(await axeViolations(document.body)).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));

    // In a call whose peer vanishes: after the grace period, the peer left.
    alice.on('onReceiveNewInvitation', (e) => void alice.accept(e.inviteID));
    await act(() => phone.current?.actions.dial('alice', { callType: CallType.VIDEO }) ?? Promise.resolve());
    await flush();
    act(() => phone.current?.actions.remoteEntered());
    await world.advance(42_000);
    act(() => phone.current?.actions.remoteLeft());
    await world.advance(10_000);
    await flush();
    expect(screen.getByRole('status').textContent).toBe('alice left the call after 42 seconds');
  });
});
