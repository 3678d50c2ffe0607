import { useCall, useInvitation } from '@beckon/react';
import { CallType } from '@beckon/signaling';
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from 'react';
import { fill, plural } from '../i18n/format.js';
import { useI18n } from '../i18n/I18nProvider.js';
import { useCallNotification } from '../ringing/useCallNotification.js';
import { useRingElection } from '../ringing/useRingElection.js';
import { useRingtone } from '../ringing/useRingtone.js';
import { cx, type DisplayName, plainName, useControllable } from '../util.js';

export interface IncomingCallDialogProps {
  /** Controlled visibility; by default the dialog shows while a call rings. */
  readonly open?: boolean;
  readonly defaultOpen?: boolean;
  readonly onOpenChange?: (open: boolean) => void;
  readonly displayName?: DisplayName;
  /** Slot for the caller's picture. */
  readonly renderAvatar?: (userID: string) => ReactNode;
  /** Play the ringtone (only one tab of the browser rings). Default true. */
  readonly ringtone?: boolean;
  /** Offer a system notification while the page is hidden. Default true. */
  readonly notifications?: boolean;
  readonly className?: string;
  /** Extra content under the caller line. */
  readonly children?: ReactNode;
}

/**
 * The ringing phone (seed step 2): caller, audio or video, a server-time countdown, accept,
 * decline and decline-as-busy. An `alertdialog`: focus moves to Accept and returns afterwards,
 * Escape declines, and screen readers announce it.
 *
 * @example
 * <IncomingCallDialog displayName={(id) => names[id] ?? id} />
 */
export function IncomingCallDialog(props: IncomingCallDialogProps) {
  const { messages: m, locale } = useI18n();
  const call = useCall();
  const ringing = call.phase === 'ringing';
  const [open, setOpen] = useControllable(props.open, props.defaultOpen ?? true, props.onOpenChange);
  const visible = ringing && open;
  const { remainingMs } = useInvitation(ringing ? call.inviteID : '');
  const name = (props.displayName ?? plainName)(call.peer ?? '');
  const video = call.callType === CallType.VIDEO;
  const title = fill(video ? m.incomingVideoCall : m.incomingAudioCall, { name });

  const ringer = useRingElection(ringing ? call.inviteID : undefined);
  const tone = useRingtone(visible && ringer && props.ringtone !== false);
  const notice = useCallNotification(visible && ringer && props.notifications !== false, {
    title: m.incomingCall,
    body: title,
    tag: call.inviteID ?? 'beckon-call',
  });

  const titleId = useId();
  const descId = useId();
  const acceptRef = useRef<HTMLButtonElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);

  // Focus Accept when the dialog opens; give focus back to where it was when it closes.
  useEffect(() => {
    if (!visible) return;
    const before = document.activeElement as HTMLElement | null;
    acceptRef.current?.focus();
    return () => {
      if (before?.isConnected) before.focus();
    };
  }, [visible]);

  // A new call re-opens an uncontrolled dialog that was dismissed for an earlier one.
  const inviteID = call.inviteID;
  useEffect(() => {
    if (inviteID !== undefined && props.open === undefined) setOpen(true);
  }, [inviteID, props.open, setOpen]);

  if (!visible) return null;

  const decline = (busy: boolean) => {
    setOpen(false);
    void call.actions.decline({ busy });
  };
  const accept = () => {
    setOpen(false);
    void call.actions.accept();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      decline(false);
    } else if (event.key === 'Tab') {
      // Keep focus inside the dialog.
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

  return (
    <div className="beckon-overlay">
      <div
        ref={dialogRef}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descId}
        className={cx('beckon-dialog', 'beckon-incoming', props.className)}
        data-state="ringing"
        data-call-type={video ? 'video' : 'audio'}
        onKeyDown={onKeyDown}
      >
        {props.renderAvatar?.(call.peer ?? '')}
        <h2 id={titleId} className="beckon-title">
          {title}
        </h2>
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
        {notice.permission === 'default' && props.notifications !== false && (
          <button type="button" className="beckon-link" onClick={notice.request}>
            {m.enableNotifications}
          </button>
        )}
        <div className="beckon-actions">
          <button
            ref={acceptRef}
            type="button"
            className="beckon-button"
            data-variant="accept"
            onClick={accept}
          >
            {m.accept}
          </button>
          <button
            type="button"
            className="beckon-button"
            data-variant="decline"
            onClick={() => decline(false)}
          >
            {m.decline}
          </button>
          <button
            type="button"
            className="beckon-button"
            data-variant="secondary"
            onClick={() => decline(true)}
          >
            {m.declineBusy}
          </button>
        </div>
      </div>
    </div>
  );
}
