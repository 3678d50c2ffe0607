import { BellRing } from 'lucide-react';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx } from '../util.js';
import { useCallNotification } from './useCallNotification.js';

export interface CallNotificationsButtonProps {
  readonly className?: string;
}

/**
 * Asks for permission to show incoming calls as system notifications while the page is hidden.
 * Put it where people set things up (a header, a settings page), not in the ringing dialog: a
 * permission prompt in the middle of a call coming in gets refused or misclicked. It renders
 * nothing once the browser has an answer, or has no notifications.
 *
 * @example
 * <header>…<CallNotificationsButton /></header>
 */
export function CallNotificationsButton(props: CallNotificationsButtonProps) {
  const { messages: m } = useI18n();
  const notice = useCallNotification(false, { title: '', body: '', tag: '' });
  if (notice.permission !== 'default') return null;
  return (
    <button
      type="button"
      className={cx('beckon-button', 'beckon-notify', props.className)}
      data-variant="secondary"
      onClick={notice.request}
    >
      <BellRing aria-hidden="true" className="beckon-icon" />
      {m.enableNotifications}
    </button>
  );
}
