import { useCall, useInvitation } from '@beckon/react';
import type { CallType as CallTypeValue } from '@beckon/signaling';
import { CallType } from '@beckon/signaling';
import { Phone, PhoneOff } from 'lucide-react';
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from 'react';
import { fill, plural } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { useCallNotification } from '../ringing/useCallNotification.js';
import { useRingElection } from '../ringing/useRingElection.js';
import { useRingtone } from '../ringing/useRingtone.js';
import { cx, type DisplayName, plainName, useControllable } from '../util.js';
import { Avatar } from './Avatar.js';

/** What the dialog needs of a ringing call: `useCall()`'s, or a group call's from its hook. */
export interface RingingCall {
  readonly phase: string;
  /** Who calls (a one-to-one call names them `peer`). */
  readonly inviter: string | undefined;
  readonly inviteID: string | undefined;
  readonly callType: CallTypeValue | undefined;
  readonly actions: {
    accept(): Promise<void>;
    decline(options?: { busy?: boolean }): Promise<void>;
  };
}

export interface IncomingCallDialogProps {
  /** The call that rings; default the one-to-one call (`useCall()`). A group call passes its own. */
  readonly call?: RingingCall | undefined;
  /** A group call's other invitees (user IDs, neither you nor the caller): “… and 3 others”, listed. */
  readonly others?: readonly string[] | undefined;
  /** How many of `others` are listed by name; the rest are “+N” (never “+1”: one more is listed). Default 3. */
  readonly maxOthers?: number;
  /** The group call's group name, shown above the caller. */
  readonly groupName?: string | undefined;
  /** Controlled visibility; by default the dialog shows while a call rings. */
  readonly open?: boolean;
  readonly defaultOpen?: boolean;
  readonly onOpenChange?: (open: boolean) => void;
  readonly displayName?: DisplayName;
  /** The caller's picture (an image URL); without it, their initials. */
  readonly avatarUrl?: (userID: string) => string | undefined;
  /** Replace the avatar entirely. */
  readonly renderAvatar?: (userID: string) => ReactNode;
  /** Play the ringtone (only one tab of the browser rings). Default true. */
  readonly ringtone?: boolean;
  /**
   * Show a system notification while the page is hidden, if the user allowed them. Default true.
   * The dialog never asks for the permission: `CallNotificationsButton` does, outside the ringing moment.
   */
  readonly notifications?: boolean;
  readonly className?: string;
  /** Extra content under the caller line. */
  readonly children?: ReactNode;
}

/**
 * The ringing phone (seed step 2): the caller's avatar and name, audio or video, a server-time
 * countdown, Accept, Decline and “Say I'm busy” (declines with the line-busy reason, so the caller
 * reads “… is busy”). A modal `alertdialog` (a native `<dialog>`, so the rest of the page is inert
 * while it rings): focus moves to Accept and returns afterwards, Escape declines, Tab stays
 * inside. On phones it is a bottom sheet, within the thumb's reach.
 *
 * @example
 * <IncomingCallDialog displayName={(id) => names[id] ?? id} />
 */
export function IncomingCallDialog(props: IncomingCallDialogProps) {
  const { messages: m, locale } = useI18n();
  const one = useCall();
  const call = props.call ?? one;
  const peer = (props.call ? props.call.inviter : one.peer) ?? '';
  const ringing = call.phase === 'ringing';
  const [open, setOpen] = useControllable(props.open, props.defaultOpen ?? true, props.onOpenChange);
  const visible = ringing && open;
  const { remainingMs } = useInvitation(ringing ? call.inviteID : '');
  const displayName = props.displayName ?? plainName;
  const name = displayName(peer);
  const video = call.callType === CallType.VIDEO;
  const others = props.others ?? [];
  const max = Math.max(0, props.maxOthers ?? 3);
  const title = fill(
    others.length > 0
      ? plural(video ? m.group.incomingVideo : m.group.incomingAudio, others.length, locale)
      : video
        ? m.incomingVideoCall
        : m.incomingAudioCall,
    { name },
  );

  const ringer = useRingElection(ringing ? call.inviteID : undefined);
  const tone = useRingtone(visible && ringer && props.ringtone !== false);
  useCallNotification(visible && ringer && props.notifications !== false, {
    title: m.incomingCall,
    body: title,
    tag: call.inviteID ?? 'beckon-call',
  });

  const titleId = useId();
  const descId = useId();
  const listId = useId();
  const acceptRef = useRef<HTMLButtonElement>(null);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const answered = useRef(false);

  // Open as a modal (the page behind becomes inert) with focus on Accept; give focus back to
  // where it was when it closes (a call stage, when there is one, then takes it).
  useEffect(() => {
    if (!visible) return;
    answered.current = false;
    const before = document.activeElement as HTMLElement | null;
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal?.();
    acceptRef.current?.focus();
    return () => {
      if (before?.isConnected && !before.closest('[inert]')) before.focus();
    };
  }, [visible]);

  // A new call re-opens an uncontrolled dialog that was dismissed for an earlier one.
  const inviteID = call.inviteID;
  useEffect(() => {
    if (inviteID !== undefined && props.open === undefined) setOpen(true);
  }, [inviteID, props.open, setOpen]);

  if (!visible) return null;

  const answer = (what: () => Promise<void>) => {
    if (answered.current) return;
    answered.current = true;
    setOpen(false);
    void what();
  };
  const decline = (busy: boolean) => answer(() => call.actions.decline({ busy }));
  const accept = () => answer(() => call.actions.accept());
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      decline(false);
    } else if (event.key === 'Tab') {
      // Keep focus inside the dialog (a modal <dialog> would let it leave to the browser's UI).
      const items = [...(dialogRef.current?.querySelectorAll<HTMLElement>('button') ?? [])];
      const first = items[0];
      const last = items.at(-1);
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last?.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first?.focus();
      }
    }
  };
  const seconds = remainingMs === undefined ? undefined : Math.ceil(remainingMs / 1000);
  // Chips, so no language's list punctuation is needed; the hidden commas are for screen readers.
  const listed = others.length > max + 1 ? others.slice(0, max).map(displayName) : others.map(displayName);
  if (listed.length < others.length)
    listed.push(fill(m.group.more, { count: others.length - listed.length }));

  return (
    <dialog
      ref={dialogRef}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={`${listed.length > 0 ? `${listId} ` : ''}${descId}`}
      className={cx('beckon-dialog', 'beckon-incoming', props.className)}
      data-state="ringing"
      data-call-type={video ? 'video' : 'audio'}
      onKeyDown={onKeyDown}
      onCancel={(event) => {
        event.preventDefault();
        decline(false);
      }}
    >
      {props.renderAvatar ? props.renderAvatar(peer) : <Avatar name={name} src={props.avatarUrl?.(peer)} />}
      {props.groupName && <p className="beckon-group-name">{props.groupName}</p>}
      <h2 id={titleId} className="beckon-title">
        {title}
      </h2>
      {listed.length > 0 && (
        <ul id={listId} className="beckon-invitees">
          {listed.map((who, i) => (
            <li key={others[i] ?? who}>
              {who}
              {i < listed.length - 1 && <span className="beckon-visually-hidden">,</span>}
            </li>
          ))}
        </ul>
      )}
      <p id={descId} className="beckon-description">
        {m.incomingCall}
        {seconds !== undefined && (
          <>
            {' · '}
            <span className="beckon-countdown" data-urgent={seconds <= 5 ? '' : undefined}>
              {plural(m.secondsLeft, seconds, locale)}
            </span>
          </>
        )}
      </p>
      {props.children}
      {tone.blocked && (
        <p className="beckon-note">
          {m.soundBlocked}{' '}
          <button type="button" className="beckon-link" onClick={tone.enable}>
            {m.enableSound}
          </button>
        </p>
      )}
      <div className="beckon-actions beckon-answer">
        <button
          ref={acceptRef}
          type="button"
          className="beckon-button"
          data-variant="accept"
          onClick={accept}
        >
          <Phone aria-hidden="true" className="beckon-icon" />
          {m.accept}
        </button>
        <button type="button" className="beckon-button" data-variant="decline" onClick={() => decline(false)}>
          <PhoneOff aria-hidden="true" className="beckon-icon" />
          {m.decline}
        </button>
      </div>
      <button
        type="button"
        className="beckon-button beckon-busy"
        data-variant="secondary"
        onClick={() => decline(true)}
      >
        {m.declineBusy}
      </button>
    </dialog>
  );
}
