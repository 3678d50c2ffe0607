import { useCallback, useState } from 'react';

/** Joins class names, skipping empty ones. */
export function cx(...names: Array<string | false | undefined>): string {
  return names.filter(Boolean).join(' ');
}

/**
 * State that a parent may control (`value` + `onChange`) or leave to the component
 * (`defaultValue`), in the style of Radix's `open` / `defaultOpen` / `onOpenChange`.
 */
export function useControllable<T>(
  value: T | undefined,
  defaultValue: T,
  onChange: ((next: T) => void) | undefined,
): [T, (next: T) => void] {
  const [own, setOwn] = useState(defaultValue);
  const controlled = value !== undefined;
  const set = useCallback(
    (next: T) => {
      if (!controlled) setOwn(next);
      onChange?.(next);
    },
    [controlled, onChange],
  );
  return [controlled ? value : own, set];
}

/** Display name for a user id: the app's resolver, else the id itself. */
export type DisplayName = (userID: string) => string;
export const plainName: DisplayName = (userID) => userID;
