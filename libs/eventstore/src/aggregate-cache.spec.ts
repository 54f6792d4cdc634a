import { AggregateCache } from './aggregate-cache';

const sum = (n: number, e: { n: number }) => n + e.n;
const count = (n: number) => n + 1;

describe('aggregate cache', () => {
  it('gives a fold back only what that fold made', () => {
    const cache = new AggregateCache();
    cache.set('s', sum, { state: 7, revision: 2n });
    expect(cache.get('s', sum)).toEqual({ state: 7, revision: 2n });
    expect(cache.get('s', count)).toBeUndefined();
  });

  it('never moves an entry back to an older revision of the same fold', () => {
    const cache = new AggregateCache();
    cache.set('s', sum, { state: 9, revision: 5n });
    cache.set('s', sum, { state: 4, revision: 3n }); // a read that began before the newer append finished
    expect(cache.get('s', sum)).toEqual({ state: 9, revision: 5n });
    cache.set('s', sum, { state: 12, revision: 6n });
    expect(cache.get('s', sum)).toEqual({ state: 12, revision: 6n });
  });

  it('lets another fold replace the entry, whatever its revision', () => {
    const cache = new AggregateCache();
    cache.set('s', sum, { state: 9, revision: 5n });
    cache.set('s', count, { state: 2, revision: 1n });
    expect(cache.get('s', count)).toEqual({ state: 2, revision: 1n });
    expect(cache.get('s', sum)).toBeUndefined();
  });

  it('remembers nothing of a stream that does not exist, and forgets the least recently used first', () => {
    const cache = new AggregateCache(2);
    cache.set('none', sum, { state: 0, revision: undefined });
    expect(cache.get('none', sum)).toBeUndefined();
    cache.set('a', sum, { state: 1, revision: 0n });
    cache.set('b', sum, { state: 2, revision: 0n });
    cache.get('a', sum);
    cache.set('c', sum, { state: 3, revision: 0n });
    expect(cache.get('b', sum)).toBeUndefined();
    expect(cache.get('a', sum)).toBeDefined();
    expect(cache.size).toBe(2);
  });
});
