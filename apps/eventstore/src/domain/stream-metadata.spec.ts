import { DELETED_STREAM } from './revisions';
import {
  EMPTY_METADATA,
  firstVisibleRevision,
  isSoftDeleted,
  oldestVisibleCreated,
  parseStreamMetadata,
  SOFT_DELETE_METADATA,
  withTruncateBefore,
} from './stream-metadata';

const json = (text: string) => parseStreamMetadata(Buffer.from(text), true);

describe('parseStreamMetadata (spec §3.4)', () => {
  it('reads $maxCount, $maxAge (seconds) and $tb, ignoring custom keys and ACLs', () => {
    expect(json('{"$maxCount":5,"$maxAge":60,"$tb":3,"$acl":{"$r":"$all"},"owner":"me"}')).toEqual({
      maxCount: 5,
      maxAgeSeconds: 60,
      truncateBefore: 3,
    });
  });

  it('ignores values that are not positive, as the real server does', () => {
    expect(json('{"$maxCount":0,"$maxAge":-1,"$tb":-2}')).toEqual({});
  });

  it.each(['not json', '[1,2]', '"text"', '{"$maxCount":"5"}', '{"$tb":1.5}', '{"$maxCount":1e30}'])(
    'drops malformed metadata entirely: %s',
    (text) => {
      expect(json(text)).toEqual(EMPTY_METADATA);
    },
  );

  it('ignores metadata not flagged as JSON', () => {
    expect(parseStreamMetadata(Buffer.from('{"$maxCount":5}'), false)).toEqual(EMPTY_METADATA);
  });

  it('recognises the soft-delete marker written as long.MaxValue', () => {
    const metadata = parseStreamMetadata(SOFT_DELETE_METADATA, true);
    expect(metadata.truncateBefore).toBe(DELETED_STREAM);
    expect(isSoftDeleted(metadata)).toBe(true);
    expect(SOFT_DELETE_METADATA.toString()).toBe('{"$tb":9223372036854775807}');
  });
});

describe('visibility', () => {
  it('hides everything below max(last - $maxCount + 1, $tb)', () => {
    expect(firstVisibleRevision({ maxCount: 3 }, 9)).toBe(7);
    expect(firstVisibleRevision({ maxCount: 3, truncateBefore: 8 }, 9)).toBe(8);
    expect(firstVisibleRevision({ truncateBefore: 2 }, 9)).toBe(2);
    expect(firstVisibleRevision({ maxCount: 50 }, 9)).toBe(0);
  });

  it('turns $maxAge into the oldest visible creation time', () => {
    expect(oldestVisibleCreated({ maxAgeSeconds: 2 }, 10_000_000)).toBe(8_000_000);
    expect(oldestVisibleCreated({}, 10_000_000)).toBeUndefined();
  });
});

describe('withTruncateBefore (soft undelete)', () => {
  it('keeps every other key and replaces $tb', () => {
    expect(
      JSON.parse(withTruncateBefore(Buffer.from('{"$maxCount":4,"custom":true,"$tb":1}'), 7)!.toString()),
    ).toEqual({ $maxCount: 4, custom: true, $tb: 7 });
    expect(withTruncateBefore(SOFT_DELETE_METADATA, 3)!.toString()).toBe('{"$tb":3}');
  });

  it('writes nothing when the metadata is not a JSON object', () => {
    expect(withTruncateBefore(Buffer.from('nope'), 3)).toBeUndefined();
  });
});
