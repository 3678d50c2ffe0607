/** What {@link memo} needs of a map: a `Map` or a `WeakMap`. */
export interface MemoMap<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
}

/**
 * The map's value for `key`, made and stored on the first ask (a cache, a set of listeners).
 *
 * @example
 * const listeners = memo(byEvent, name, () => new Set<Listener>());
 */
export function memo<K, V>(map: MemoMap<K, V>, key: K, make: () => V): V {
  const found = map.get(key);
  if (found !== undefined) return found;
  const made = make();
  map.set(key, made);
  return made;
}
