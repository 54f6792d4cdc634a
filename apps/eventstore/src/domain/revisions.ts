/**
 * Stream revisions (event numbers). A stream's first event is revision 0; "no stream" is -1, as in
 * the real server's `ExpectedVersion.NoStream` / `EventNumber` conventions.
 */

export type Revision = number;

/** The current revision of a stream with no events. */
export const NO_STREAM: Revision = -1;

/**
 * `long.MaxValue`: the event number of a tombstone and the `$tb` of a soft-deleted stream
 * (spec §3.3). JS numbers cannot hold it, so it is represented in memory and in storage by
 * `Number.MAX_SAFE_INTEGER` (no stream ever gets that many events) and written out as the real
 * value on the wire.
 */
export const DELETED_STREAM: Revision = Number.MAX_SAFE_INTEGER;
export const DELETED_STREAM_WIRE = '9223372036854775807';

export function revisionToWire(revision: Revision): string {
  return revision === DELETED_STREAM ? DELETED_STREAM_WIRE : String(revision);
}

/** A u64 revision from the wire, clamped like positions: anything huge is beyond every stream. */
export function parseWireRevision(value: string): Revision {
  const parsed = BigInt(value);
  return parsed >= BigInt(DELETED_STREAM) ? DELETED_STREAM : Number(parsed);
}
