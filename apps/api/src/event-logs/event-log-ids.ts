/**
 * Event-log entry ids are Redis Stream ids, `<ms>-<seq>` (docs/architecture.md, read side): the `id` of each
 * entry, the `from` a client resumes after, and the SSE `Last-Event-ID`.
 */

/** Digits only, within what Redis accepts (ms and seq are unsigned 64-bit). */
const ID = /^(\d{1,15})(?:-(\d{1,20}))?$/;
const MAX_SEQ = 18_446_744_073_709_551_615n;

export interface EntryId {
  ms: bigint;
  seq: bigint;
}

/** The id, normalised to `<ms>-<seq>` (`<ms>` alone means `<ms>-0`), or `undefined` if it is not one. */
export function normaliseEntryId(raw: string): string | undefined {
  const match = ID.exec(raw);
  if (!match) return undefined;
  const seq = BigInt(match[2] ?? '0');
  if (seq > MAX_SEQ) return undefined;
  return `${BigInt(match[1])}-${seq}`;
}

function parse(id: string): EntryId {
  const [ms, seq] = id.split('-');
  return { ms: BigInt(ms), seq: BigInt(seq ?? '0') };
}

export function compareEntryIds(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (x.ms !== y.ms) return x.ms < y.ms ? -1 : 1;
  return x.seq === y.seq ? 0 : x.seq < y.seq ? -1 : 1;
}

/** The greatest id before `id`: reading "after" it starts exactly at `id`. */
export function entryIdBefore(id: string): string {
  const { ms, seq } = parse(id);
  if (seq > 0n) return `${ms}-${seq - 1n}`;
  return ms > 0n ? `${ms - 1n}-${MAX_SEQ}` : '0-0';
}
