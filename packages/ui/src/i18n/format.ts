/** Replaces `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  );
}

/** Picks the plural form for `count` with `Intl.PluralRules`. */
export function plural(
  forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string },
  count: number,
  locale: string,
): string {
  const category = new Intl.PluralRules(locale).select(count);
  return fill(forms[category] ?? forms.other, { count: new Intl.NumberFormat(locale).format(count) });
}

/** A clock-style duration: `m:ss`, or `h:mm:ss` past an hour. */
export function clock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** A spoken duration (“1 minute, 5 seconds”) through Intl, for summaries and screen readers. */
export function spokenDuration(totalSeconds: number, locale: string): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const parts: string[] = [];
  const unit = (value: number, name: 'hour' | 'minute' | 'second') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: name, unitDisplay: 'long' }).format(value);
  if (s >= 3600) parts.push(unit(Math.floor(s / 3600), 'hour'));
  if (s >= 60) parts.push(unit(Math.floor((s % 3600) / 60), 'minute'));
  if (s % 60 > 0 || parts.length === 0) parts.push(unit(s % 60, 'second'));
  return new Intl.ListFormat(locale, { style: 'short', type: 'unit' }).format(parts);
}
