import { OrderedMap } from 'immutable';

/**
 * A map in a folded state, read-only: what a `Map` and a persistent map both offer, in insertion order.
 * (TypeScript's `ReadonlyMap` asks its iterators for `Symbol.dispose`, which persistent maps do not have.)
 */
export interface FoldedMap<K, V> extends Iterable<[K, V]> {
  readonly size: number;
  get(key: K): V | undefined;
  has(key: K): boolean;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
}

const persistent = <K, V>(map: FoldedMap<K, V>): OrderedMap<K, V> =>
  OrderedMap.isOrderedMap(map) ? (map as OrderedMap<K, V>) : OrderedMap<K, V>(map);

/**
 * `map` with `key` set to `value`, `map` itself unchanged. Folds set one entry per event, and copying a whole
 * `Map` for each made folding a stream quadratic in its entries (a service's placement holds every instance:
 * 3% of the reconciler's CPU at 500 instances per service); a persistent map shares all but the changed
 * path with the one before (O(log n)). Entries keep their insertion order, as in a `Map`.
 */
export function withEntry<K, V>(map: FoldedMap<K, V>, key: K, value: V): FoldedMap<K, V> {
  return persistent(map).set(key, value);
}

/** `map` without `key`, `map` itself unchanged (see `withEntry`). */
export function withoutEntry<K, V>(map: FoldedMap<K, V>, key: K): FoldedMap<K, V> {
  return persistent(map).delete(key);
}
