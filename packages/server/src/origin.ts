const DEV_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** Is this browser origin on the allow-list? Requests without an Origin (non-browsers) pass. */
export function originAllowed(
  origin: string | undefined,
  allowed: readonly string[] | '*',
  dev: boolean,
): boolean {
  if (origin === undefined) return true;
  if (allowed === '*') return true;
  if (allowed.includes(origin)) return true;
  return dev && allowed.length === 0 && DEV_ORIGIN.test(origin);
}
