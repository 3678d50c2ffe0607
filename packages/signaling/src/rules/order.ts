/**
 * Server order of invitations (a class's raised hands): the arbiter's clock, then its creation
 * serial for the same millisecond; the id only as a last resort (records from an arbiter without
 * serials), identically on every client and process.
 */
export function byServerOrder(
  a: { readonly createdAt: number; readonly serial?: number; readonly inviteID: string },
  b: { readonly createdAt: number; readonly serial?: number; readonly inviteID: string },
): number {
  return (
    a.createdAt - b.createdAt ||
    (a.serial ?? 0) - (b.serial ?? 0) ||
    (a.inviteID < b.inviteID ? -1 : a.inviteID > b.inviteID ? 1 : 0)
  );
}
