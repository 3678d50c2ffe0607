import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { catalogs, en, type Messages } from './messages.js';

export type MessageOverrides = {
  [K in keyof Messages]?: Messages[K] extends string ? string : Partial<Messages[K]>;
};

interface I18n {
  readonly locale: string;
  readonly messages: Messages;
}

const I18nContext = createContext<I18n>({ locale: 'en', messages: en });

function merge(base: Messages, overrides: MessageOverrides | undefined): Messages {
  if (!overrides) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = typeof value === 'object' && typeof current === 'object' ? { ...current, ...value } : value;
  }
  return out as unknown as Messages;
}

export interface BeckonUIProviderProps {
  /** BCP 47 locale: `en`, `zh-CN` and `ja` ship; others fall back to English strings. */
  readonly locale?: string;
  /** Replace any message; nested ones (plurals, outcomes) merge key by key. */
  readonly messages?: MessageOverrides;
  readonly children?: ReactNode;
}

/**
 * Language and wording for every Beckon component below it.
 *
 * @example
 * <BeckonUIProvider locale="ja" messages={{ accept: '出る' }}>…</BeckonUIProvider>
 */
export function BeckonUIProvider({ locale = 'en', messages, children }: BeckonUIProviderProps) {
  const value = useMemo(() => {
    const base = catalogs[locale] ?? catalogs[locale.split('-')[0] ?? ''] ?? en;
    return { locale, messages: merge(base, messages) };
  }, [locale, messages]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
