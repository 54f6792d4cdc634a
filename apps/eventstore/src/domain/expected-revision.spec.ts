import {
  ANY,
  CommittedIds,
  decideWrite,
  exactRevision,
  legacyExpectedVersion,
  NO_STREAM_EXPECTED,
  STREAM_EXISTS,
  StreamWriteState,
} from './expected-revision';

const fresh: StreamWriteState = { current: -1, tombstoned: false, softDeleted: false, hasMetadata: false };
const withEvents = (current: number, extra: Partial<StreamWriteState> = {}): StreamWriteState => ({
  ...fresh,
  current,
  ...extra,
});

/** A stream "s" whose revisions 0..ids.length-1 hold `ids`, all still in the recent cache. */
function committed(ids: string[], stream = 's', recentIds = ids): CommittedIds {
  return {
    recent: (id) => (recentIds.includes(id) ? { stream, revision: ids.indexOf(id) } : undefined),
    idAt: (revision) => ids[revision],
  };
}
const none = committed([]);

describe('decideWrite (spec §3.1)', () => {
  describe('a brand-new stream', () => {
    it.each([ANY, NO_STREAM_EXPECTED])('accepts %o', (expected) => {
      expect(decideWrite('s', fresh, expected, ['a'], none)).toEqual({ kind: 'write', undelete: false });
    });
    it.each([STREAM_EXISTS, exactRevision(0n)])('refuses %o with the current revision -1', (expected) => {
      expect(decideWrite('s', fresh, expected, ['a'], none)).toEqual({
        kind: 'wrong_expected_version',
        current: -1,
      });
    });
    it('lets stream_exists through when the stream only has metadata', () => {
      expect(decideWrite('s', { ...fresh, hasMetadata: true }, STREAM_EXISTS, ['a'], none)).toEqual({
        kind: 'write',
        undelete: false,
      });
    });
  });

  it('refuses every write to a tombstoned stream', () => {
    for (const expected of [ANY, NO_STREAM_EXPECTED, STREAM_EXISTS, exactRevision(3n)]) {
      expect(decideWrite('s', withEvents(3, { tombstoned: true }), expected, ['a'], none)).toEqual({
        kind: 'stream_deleted',
      });
    }
  });

  it('answers stream_exists on a soft-deleted stream with StreamDeleted', () => {
    expect(decideWrite('s', withEvents(2, { softDeleted: true }), STREAM_EXISTS, ['a'], none)).toEqual({
      kind: 'stream_deleted',
    });
  });

  it('undeletes a soft-deleted stream on any, or no_stream (recreate), or the exact current revision', () => {
    const state = withEvents(2, { softDeleted: true });
    expect(decideWrite('s', state, ANY, ['new'], committed(['a', 'b', 'c']))).toEqual({
      kind: 'write',
      undelete: true,
    });
    expect(decideWrite('s', state, NO_STREAM_EXPECTED, ['new'], committed(['a', 'b', 'c']))).toEqual({
      kind: 'write',
      undelete: true,
    });
    expect(decideWrite('s', state, exactRevision(2n), ['new'], committed(['a', 'b', 'c']))).toEqual({
      kind: 'write',
      undelete: true,
    });
  });

  describe('exact and no_stream', () => {
    const ids = ['a', 'b', 'c'];
    it('writes when the expected revision is the current one', () => {
      expect(decideWrite('s', withEvents(2), exactRevision(2n), ['d'], committed(ids))).toEqual({
        kind: 'write',
        undelete: false,
      });
    });
    it('refuses an expected revision above the current one', () => {
      expect(decideWrite('s', withEvents(2), exactRevision(5n), ['d'], committed(ids))).toEqual({
        kind: 'wrong_expected_version',
        current: 2,
      });
    });
    it('treats a retry of the same ids at the same place as idempotent, even without the cache', () => {
      const notRecent = committed(ids, 's', []);
      expect(decideWrite('s', withEvents(2), exactRevision(0n), ['b', 'c'], notRecent)).toEqual({
        kind: 'idempotent',
        lastRevision: 2,
      });
      expect(decideWrite('s', withEvents(2), NO_STREAM_EXPECTED, ['a'], notRecent)).toEqual({
        kind: 'idempotent',
        lastRevision: 0,
      });
    });
    it('refuses different ids below the current revision', () => {
      expect(decideWrite('s', withEvents(2), NO_STREAM_EXPECTED, ['x'], committed(ids))).toEqual({
        kind: 'wrong_expected_version',
        current: 2,
      });
    });
    it('reports corrupted idempotency (first id matches, a later one does not) as a wrong expected version', () => {
      expect(decideWrite('s', withEvents(2), exactRevision(0n), ['b', 'x'], committed(ids))).toEqual({
        kind: 'wrong_expected_version',
        current: 2,
      });
    });
    it('refuses an empty append below the current revision', () => {
      expect(decideWrite('s', withEvents(2), exactRevision(0n), [], committed(ids))).toEqual({
        kind: 'wrong_expected_version',
        current: 2,
      });
    });
  });

  describe('any and stream_exists (best-effort idempotency through the recent cache)', () => {
    const ids = ['a', 'b', 'c'];
    it('is idempotent when every id is in the cache for this stream', () => {
      expect(decideWrite('s', withEvents(2), ANY, ['b', 'c'], committed(ids))).toEqual({
        kind: 'idempotent',
        lastRevision: 2,
      });
      expect(decideWrite('s', withEvents(2), STREAM_EXISTS, ['a'], committed(ids))).toEqual({
        kind: 'idempotent',
        lastRevision: 0,
      });
    });
    it('writes again (a duplicate) once the first id has left the cache', () => {
      expect(decideWrite('s', withEvents(2), ANY, ['a'], committed(ids, 's', []))).toEqual({
        kind: 'write',
        undelete: false,
      });
    });
    it('does not count ids committed to another stream', () => {
      expect(decideWrite('s', withEvents(2), ANY, ['a'], committed(ids, 'other'))).toEqual({
        kind: 'write',
        undelete: false,
      });
    });
    it('reports a known first id followed by an unknown one as a wrong expected version', () => {
      expect(decideWrite('s', withEvents(2), ANY, ['a', 'x'], committed(ids))).toEqual({
        kind: 'wrong_expected_version',
        current: 2,
      });
    });
    it('accepts an empty append', () => {
      expect(decideWrite('s', withEvents(2), ANY, [], committed(ids))).toEqual({
        kind: 'write',
        undelete: false,
      });
    });
  });
});

describe('legacyExpectedVersion', () => {
  it('uses the internal longs the Delete trailers carry', () => {
    expect([ANY, NO_STREAM_EXPECTED, STREAM_EXISTS, exactRevision(7n)].map(legacyExpectedVersion)).toEqual([
      '-2',
      '-1',
      '-4',
      '7',
    ]);
  });
});
