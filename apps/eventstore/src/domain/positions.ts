/**
 * Positions in the global log (`$all`).
 *
 * EventStoreDB's LogV2 positions are byte offsets in the transaction file (spec §3.2): strictly
 * increasing, not contiguous (the gaps are record sizes), and commit == prepare for every event
 * since writes became implicitly committed prepares. We keep that shape so that clients which
 * (wrongly) assume contiguous positions break here as they would in production, but the numbers
 * are not byte-compatible with a real node.
 */

/** A log position. Byte offsets stay far below 2^53, so a JS number is exact. */
export type LogPosition = number;

export const START_POSITION: LogPosition = 0;

/** `Position.End` on the wire: u64 max for both commit and prepare. */
export const END_POSITION_WIRE = '18446744073709551615';

/**
 * Fixed part of a LogV2 prepare record: length prefix and suffix, record type and version, log
 * position, flags, transaction position and offset, expected version, event and correlation ids,
 * timestamp, and the length prefixes of the variable parts.
 */
const PREPARE_RECORD_OVERHEAD = 90;

/** What a LogV2 epoch record takes; a node writes one every time it becomes leader. */
export const EPOCH_RECORD_SIZE = 120;

/** Bytes a prepare record for this event would take, so the next record starts after it. */
export function recordSize(stream: string, type: string, dataLength: number, metadataLength: number): number {
  return (
    PREPARE_RECORD_OVERHEAD +
    Buffer.byteLength(stream) +
    Buffer.byteLength(type) +
    dataLength +
    metadataLength
  );
}

/**
 * A position sent by a client (a u64 decimal string). Anything beyond what a JS number holds
 * exactly lies beyond any position this log will ever reach, so it is clamped: reads treat it as
 * the end of the log.
 */
export function parseWirePosition(value: string): LogPosition {
  const parsed = BigInt(value);
  return parsed > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(parsed);
}
