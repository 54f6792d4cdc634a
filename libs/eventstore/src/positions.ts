import type { Position } from '@eventstore/db-client';

/**
 * `$all` positions are opaque, strictly increasing u64 pairs (eventstoredb-protocol.md §3.2). They travel
 * as decimal strings in JSON (DESIGN.md §3) because they can exceed 2^53.
 */
export type AllPosition = Position;

export function positionToString(position: AllPosition): string {
  return `${position.commit}/${position.prepare}`;
}

export function positionFromString(text: string): AllPosition {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new Error(`not a $all position: ${text}`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

/** Orders positions by commit then prepare, as the server does. */
export function comparePositions(a: AllPosition, b: AllPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}
