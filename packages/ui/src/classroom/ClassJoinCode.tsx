import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider.js';
import { cx } from '../util.js';

export interface ClassJoinCodeProps {
  /** The class's join code, as the server gave it. */
  readonly code: string;
  /** A link that opens the app with the code filled in; adds a "Copy join link" button. */
  readonly link?: string | undefined;
  /** Where copies go. Default `navigator.clipboard.writeText`. */
  readonly copy?: (text: string) => Promise<void>;
  readonly className?: string;
}

type Copied = 'code' | 'link' | 'failed' | undefined;

const clipboard = (text: string) => navigator.clipboard.writeText(text);

/**
 * The join code the teacher shares: the code, a copy button and (with `link`) a copy-the-link
 * button. The result is announced ("Copied", or what to do when the browser refuses).
 *
 * @example
 * <ClassJoinCode code={code} link={`${location.origin}/classroom/?join=${code}`} />
 */
export function ClassJoinCode(props: ClassJoinCodeProps) {
  const { messages: m } = useI18n();
  const [copied, setCopied] = useState<Copied>();
  useEffect(() => {
    if (copied === undefined) return;
    const timer = setTimeout(() => setCopied(undefined), 4000);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = (text: string, what: 'code' | 'link') => () =>
    void (props.copy ?? clipboard)(text).then(
      () => setCopied(what),
      () => setCopied('failed'),
    );
  return (
    <div className={cx('beckon-joincode', props.className)} data-state={copied ?? 'idle'}>
      <span className="beckon-joincode-label">{m.joinCode}</span>
      <code className="beckon-joincode-code">{props.code}</code>
      <span className="beckon-actions">
        <button
          type="button"
          className="beckon-button"
          data-variant="secondary"
          onClick={copy(props.code, 'code')}
        >
          {m.copyCode}
        </button>
        {props.link !== undefined && (
          <button
            type="button"
            className="beckon-button"
            data-variant="secondary"
            onClick={copy(props.link, 'link')}
          >
            {m.copyLink}
          </button>
        )}
      </span>
      <span role="status" className="beckon-joincode-status">
        {copied === 'failed' ? m.copyFailed : copied ? m.copied : ''}
      </span>
    </div>
  );
}
