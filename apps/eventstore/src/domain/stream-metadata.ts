import { DELETED_STREAM, DELETED_STREAM_WIRE, Revision } from './revisions';

/**
 * The system part of a stream's metadata (spec §3.4): the last event of `$$<stream>`, applied at
 * read time. Events hidden by it stay in the log and in `$all`.
 */
export interface StreamMetadata {
  readonly maxCount?: number;
  readonly maxAgeSeconds?: number;
  /** `$tb`: events below this revision are hidden. `DELETED_STREAM` marks a soft delete. */
  readonly truncateBefore?: Revision;
}

export const EMPTY_METADATA: StreamMetadata = Object.freeze({});

/** Metastreams keep only their last event visible (`ESConsts.MetaStreamMaxCount`). */
export const METASTREAM_METADATA: StreamMetadata = Object.freeze({ maxCount: 1 });

/**
 * What a soft delete writes to `$$<stream>`: only `$tb`, so earlier metadata is no longer in force
 * (spec §3.3, `StorageWriterService.WriteDelete`). Written as text because `long.MaxValue` has no
 * exact JS number.
 */
export const SOFT_DELETE_METADATA = Buffer.from(`{"$tb":${DELETED_STREAM_WIRE}}`);

/** Every long a .NET reader would accept; larger literals make the real server drop the metadata. */
const LONG_MAX_AS_NUMBER = 2 ** 63;

type Parsed = { ok: true; value: number | undefined } | { ok: false };

/**
 * Parses metadata the way `StreamMetadata.TryFromJsonBytes` does: anything malformed (not a JSON
 * object, a non-integer where an integer belongs, a number beyond a long) yields empty metadata;
 * values that are not positive are ignored. `$acl`, `$tmp`, `$cacheControl` and custom keys do not
 * affect reads and are left to the client.
 */
export function parseStreamMetadata(data: Uint8Array, isJson: boolean): StreamMetadata {
  if (!isJson || data.length === 0) return EMPTY_METADATA;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch {
    return EMPTY_METADATA;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return EMPTY_METADATA;
  const record = json as Record<string, unknown>;
  const maxCount = readLong(record.$maxCount, (n) => n > 0);
  const maxAge = readLong(record.$maxAge, (n) => n > 0);
  const truncateBefore = readLong(record.$tb, (n) => n >= 0);
  if (!maxCount.ok || !maxAge.ok || !truncateBefore.ok) return EMPTY_METADATA;
  const tb = truncateBefore.value;
  return {
    ...(maxCount.value !== undefined && { maxCount: maxCount.value }),
    ...(maxAge.value !== undefined && { maxAgeSeconds: maxAge.value }),
    // `long.MaxValue` cannot be told apart from its float neighbours; anything that large is the
    // soft-delete marker.
    ...(tb !== undefined && { truncateBefore: tb >= DELETED_STREAM ? DELETED_STREAM : tb }),
  };
}

function readLong(value: unknown, inForce: (n: number) => boolean): Parsed {
  if (value === undefined) return { ok: true, value: undefined };
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > LONG_MAX_AS_NUMBER)
    return { ok: false };
  return { ok: true, value: inForce(value) ? value : undefined };
}

export function isSoftDeleted(metadata: StreamMetadata): boolean {
  return metadata.truncateBefore === DELETED_STREAM;
}

/** The lowest revision a read may return: `max(last - $maxCount + 1, $tb)` (spec §3.4). */
export function firstVisibleRevision(metadata: StreamMetadata, lastRevision: Revision): Revision {
  let first = 0;
  if (metadata.maxCount !== undefined) first = Math.max(first, lastRevision - metadata.maxCount + 1);
  if (metadata.truncateBefore !== undefined) first = Math.max(first, metadata.truncateBefore);
  return first;
}

/** Events created before this instant (µs since the Unix epoch) are hidden by `$maxAge`. */
export function oldestVisibleCreated(metadata: StreamMetadata, nowMicros: number): number | undefined {
  return metadata.maxAgeSeconds === undefined ? undefined : nowMicros - metadata.maxAgeSeconds * 1_000_000;
}

/**
 * Soft undelete: the writer rewrites the metadata in force with `$tb` set to where the stream
 * starts again, keeping every other key (`StorageWriterService.SoftUndeleteRawMeta`). Returns
 * undefined when the raw metadata is not a JSON object, in which case nothing is written.
 */
export function withTruncateBefore(raw: Uint8Array, truncateBefore: Revision): Buffer | undefined {
  try {
    const json: unknown = JSON.parse(
      Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'),
    );
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
    return Buffer.from(JSON.stringify({ ...(json as object), $tb: truncateBefore }));
  } catch {
    return undefined;
  }
}
