import fc from 'fast-check';
import { FoldedMap, withEntry, withoutEntry } from './folded-map';

describe('folded maps', () => {
  it('given a Map, when an entry is set, then a new map has it and the Map is unchanged', () => {
    const before = new Map([[1, 'a']]);
    const after = withEntry(before, 2, 'b');
    expect([...after]).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect([...before]).toEqual([[1, 'a']]);
    expect(after.size).toBe(2);
    expect(after.get(2)).toBe('b');
    expect(after.has(1)).toBe(true);
    expect([...after.keys()]).toEqual([1, 2]);
    expect([...after.values()]).toEqual(['a', 'b']);
  });

  it('given a folded map, when an entry is replaced or removed, then every earlier version still reads the same', () => {
    const v1 = withEntry(withEntry(new Map<number, string>(), 1, 'a'), 2, 'b');
    const v2 = withEntry(v1, 1, 'A');
    const v3 = withoutEntry(v2, 2);
    expect([...v1]).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect([...v2]).toEqual([
      [1, 'A'],
      [2, 'b'],
    ]);
    expect([...v3]).toEqual([[1, 'A']]);
  });

  type Op = { kind: 'set'; key: number; value: number } | { kind: 'delete'; key: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({
      kind: fc.constant('set' as const),
      key: fc.integer({ min: 0, max: 40 }),
      value: fc.integer(),
    }),
    fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 40 }) }),
  );

  it('reads like a Map after any sequence of sets and deletes, insertion order included, and leaves each version as it was', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const reference = new Map<number, number>();
        let folded: FoldedMap<number, number> = new Map();
        const versions: { folded: FoldedMap<number, number>; entries: [number, number][] }[] = [];
        for (const o of ops) {
          if (o.kind === 'set') {
            reference.set(o.key, o.value);
            folded = withEntry(folded, o.key, o.value);
          } else {
            reference.delete(o.key);
            folded = withoutEntry(folded, o.key);
          }
          versions.push({ folded, entries: [...reference] });
        }
        expect([...folded]).toEqual([...reference]);
        expect(folded.size).toBe(reference.size);
        for (const version of versions) expect([...version.folded]).toEqual(version.entries);
      }),
    );
  });
});
