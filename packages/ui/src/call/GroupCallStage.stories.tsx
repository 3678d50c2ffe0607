import { CallType } from '@beckon/signaling';
import {
  type GroupCallPhase,
  type GroupCallState,
  type GroupParticipant,
  type GroupParticipantState,
  idleGroupCall,
} from '@beckon/signaling/call';
import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import { FakeVideo } from '../stories/FakeVideo.js';
import { participant } from '../test/participant.js';
import { GroupCallStage, type GroupCallStageProps, type GroupTileMedia } from './GroupCallStage.js';

/** Alice (the viewer) and up to eleven others. */
const PEOPLE = ['bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj'];
const NAMES: Record<string, string> = {
  alice: 'Alice Martin',
  bob: 'Bob Smith',
  carol: 'Carol Jones',
  dave: 'Dave Lee',
  erin: 'Erin Wu',
  frank: 'Frank Ortiz',
  grace: 'Grace Hopper',
  heidi: 'Heidi Klum',
  ivan: 'Ivan Petrov',
  judy: 'Judy Chen',
  mallory: 'Mallory Reed',
  niaj: 'Niaj Patel',
};
const displayName = (id: string) => NAMES[id] ?? id;
/** The call started 83 s before the story loaded. */
const START = Date.now() - 83_000;

const person = (userID: string, state: GroupParticipantState, extra: Partial<GroupParticipant> = {}) =>
  participant(userID, state, { joinedAt: state === 'joined' ? START : undefined, ...extra });

function group(
  phase: GroupCallPhase,
  participants: readonly GroupParticipant[],
  callType: CallType = CallType.VIDEO,
): GroupCallState {
  return {
    ...idleGroupCall,
    phase,
    direction: 'outgoing',
    roomID: 'story-room',
    groupID: 'design',
    callType,
    inviter: 'alice',
    participants,
    startedAt: phase === 'inCall' ? START : undefined,
  };
}

/** `count` people in the call, the viewer included. */
const inCall = (count: number) =>
  group(
    'inCall',
    PEOPLE.slice(0, count - 1).map((id) => person(id, 'joined')),
  );

/** Everyone's camera (a still picture each); erin's camera is off and frank is muted. */
const media = (extra: Record<string, Partial<GroupTileMedia>> = {}) =>
  new Map<string, GroupTileMedia>(
    PEOPLE.map((id, i) => [
      id,
      {
        media: <FakeVideo who={id} hue={(i * 67) % 360} />,
        cameraOff: id === 'erin',
        muted: id === 'frank',
        ...extra[id],
      },
    ]),
  );

const meta = {
  title: 'Calls/GroupCallStage',
  component: GroupCallStage,
  args: {
    fit: 'container',
    call: inCall(3),
    self: 'alice',
    displayName,
    groupName: 'Design team',
    media: media(),
    local: { media: <FakeVideo who="alice" hue={20} /> },
    onLeave: fn(),
    onAddPeople: fn(),
  },
  render: (args) => (
    <div style={{ height: 'calc(100dvh - 32px)' }}>
      <GroupCallStage {...args} />
    </div>
  ),
} satisfies Meta<typeof GroupCallStage>;

export default meta;
type Story = StoryObj<typeof meta>;

const phone = { viewport: { value: 'phone', isRotated: false } };
const tiles = (canvas: HTMLElement) => canvas.querySelectorAll('.beckon-group-grid > .beckon-tile');

/**
 * Every tile and the bar inside the stage: nothing scrolled or cut away. Measured once the layout
 * has settled (the story's viewport is applied after it first renders; a loaded machine lays out
 * late), so the check waits for the condition instead of reading the first frame.
 */
const allInView =
  (count: number): NonNullable<Story['play']> =>
  async ({ canvasElement }) => {
    await expect(tiles(canvasElement)).toHaveLength(count);
    await waitFor(
      () => {
        const stage = canvasElement.querySelector('.beckon-callstage')?.getBoundingClientRect();
        for (const el of [...tiles(canvasElement), canvasElement.querySelector('.beckon-bar')]) {
          const box = el?.getBoundingClientRect();
          expect(box && stage && box.bottom <= stage.bottom + 0.5 && box.top >= stage.top).toBe(true);
          expect(box && stage && box.right <= stage.right + 0.5 && box.left >= stage.left).toBe(true);
        }
      },
      { timeout: 15_000 },
    );
  };

/** Alice calls three people: their avatars ring, her own view is there, Cancel in the bar. */
export const Dialing: Story = {
  args: {
    call: group(
      'dialing',
      ['bob', 'carol', 'dave'].map((id) => person(id, 'ringing')),
    ),
  },
  play: async ({ canvasElement }) => {
    const stage = await within(canvasElement).findByRole('region', { name: 'Design team' });
    await expect(tiles(stage)).toHaveLength(4);
    await expect(within(stage).getAllByText('Ringing…')).toHaveLength(3);
    await waitFor(() => expect(within(stage).getByRole('button', { name: 'Microphone' })).toHaveFocus());
    await expect(within(stage).getByRole('button', { name: 'Cancel' })).toBeVisible();
  },
};
export const DialingOnAPhone: Story = { ...Dialing, globals: phone };

/** Bob answered; Carol and Dave are still being rung. */
export const OneJoinedTwoRinging: Story = {
  args: {
    call: group('inCall', [person('bob', 'joined'), person('carol', 'ringing'), person('dave', 'invited')]),
  },
  play: async ({ canvasElement }) => {
    const stage = await within(canvasElement).findByRole('region', { name: 'Design team' });
    await expect(within(stage).getAllByText('Ringing…')).toHaveLength(2);
    await expect(within(stage).getByRole('button', { name: 'Leave' })).toBeVisible();
    await within(stage).findByRole('timer');
  },
};

export const ThreeInCall: Story = {
  play: async ({ canvasElement }) => {
    await expect(tiles(canvasElement)).toHaveLength(3);
  },
};
export const FourInCall: Story = { args: { call: inCall(4) } };
export const SixInCall: Story = { args: { call: inCall(6) } };
export const NineInCall: Story = { args: { call: inCall(9) }, play: allInView(9) };
export const TwelveInCall: Story = { args: { call: inCall(12) }, play: allInView(12) };

export const ThreeOnAPhone: Story = { ...ThreeInCall, globals: phone };
export const SixOnAPhone: Story = { ...SixInCall, globals: phone };
export const NineOnAPhone: Story = { ...NineInCall, globals: phone };
export const TwelveOnAPhone: Story = { ...TwelveInCall, globals: phone };

/** Dave's media dropped: his tile says so while the call waits for him to come back. */
export const Reconnecting: Story = {
  args: {
    call: group('inCall', [
      person('bob', 'joined'),
      person('carol', 'joined'),
      person('dave', 'joined', { goneAt: START + 60_000 }),
    ]),
  },
  play: async ({ canvasElement }) => {
    await within(canvasElement).findByText('Reconnecting…');
  },
};

/** Carol speaks: her tile is outlined as the active speaker. */
export const ActiveSpeaker: Story = {
  args: { call: inCall(6), media: media({ carol: { speaking: true } }) },
  play: async ({ canvasElement }) => {
    await waitFor(() =>
      expect(canvasElement.querySelector('.beckon-tile-active')).toHaveTextContent('Carol Jones'),
    );
  },
};

/** An audio call: avatars only, Bob speaking, Carol muted, no camera button. */
export const AudioOnly: Story = {
  args: {
    call: group(
      'inCall',
      ['bob', 'carol', 'dave'].map((id) => person(id, 'joined')),
      CallType.AUDIO,
    ),
    media: media({ bob: { speaking: true }, carol: { muted: true } }),
  },
  play: async ({ canvasElement }) => {
    const stage = await within(canvasElement).findByRole('region', { name: 'Design team' });
    await expect(within(stage).queryByRole('button', { name: 'Camera' })).toBeNull();
    await expect(stage.querySelectorAll('.beckon-tile[data-camera="off"]')).toHaveLength(4);
  },
};
export const AudioOnlyOnAPhone: Story = { ...AudioOnly, globals: phone };

/** People leaving and declining are said in a polite live region (“Bob Smith left”). */
export const SomeoneLeaves: Story = {
  render: function Render(args: GroupCallStageProps) {
    const [call, setCall] = useState(
      group('inCall', [person('bob', 'joined'), person('carol', 'joined'), person('dave', 'ringing')]),
    );
    const leave = () =>
      setCall(
        group('inCall', [person('bob', 'left'), person('carol', 'joined'), person('dave', 'declined')]),
      );
    return (
      <div style={{ height: 'calc(100dvh - 80px)' }}>
        <button type="button" onClick={leave}>
          Bob leaves, Dave declines
        </button>
        <GroupCallStage {...args} call={call} />
      </div>
    );
  },
  play: async ({ canvasElement }) => {
    await userEvent.click(within(canvasElement).getByRole('button', { name: 'Bob leaves, Dave declines' }));
    await within(canvasElement).findByText('Bob Smith left. Dave Lee declined');
    await expect(tiles(canvasElement)).toHaveLength(2);
  },
};

export const Japanese: Story = { args: { call: inCall(4) }, globals: { locale: 'ja' } };

export const SixOnAPhoneLandscape: Story = {
  args: { call: inCall(6) },
  play: allInView(6),
  globals: { viewport: { value: 'phoneLandscape', isRotated: false } },
};
