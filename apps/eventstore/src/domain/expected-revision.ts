import { NO_STREAM, Revision } from './revisions';

/** What a writer expects the stream to look like (spec §3.1). Exact revisions keep full u64 range. */
export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'exact'; readonly revision: bigint };

export const ANY: ExpectedRevision = Object.freeze({ kind: 'any' });
export const NO_STREAM_EXPECTED: ExpectedRevision = Object.freeze({ kind: 'no_stream' });
export const STREAM_EXISTS: ExpectedRevision = Object.freeze({ kind: 'stream_exists' });

export function exactRevision(revision: bigint): ExpectedRevision {
  return { kind: 'exact', revision };
}

/**
 * The server's internal long for an expected version (Any=-2, NoStream=-1, StreamExists=-4), which
 * is what Delete/Tombstone put in the `expected-version` trailer (`RpcExceptions.WrongExpectedVersion`).
 */
export function legacyExpectedVersion(expected: ExpectedRevision): string {
  switch (expected.kind) {
    case 'any':
      return '-2';
    case 'no_stream':
      return '-1';
    case 'stream_exists':
      return '-4';
    case 'exact':
      return expected.revision.toString();
  }
}

/** What the writer knows about a stream when it checks a write. */
export interface StreamWriteState {
  /** Last event's revision, NO_STREAM when it has none. Soft-deleted streams keep counting. */
  readonly current: Revision;
  readonly tombstoned: boolean;
  readonly softDeleted: boolean;
  /** `$$<stream>` has at least one event: the stream "implicitly exists" for `stream_exists`. */
  readonly hasMetadata: boolean;
}

/** Where the writer can look up event ids it already committed. */
export interface CommittedIds {
  /** The bounded recently-committed cache (memory only, so best effort). */
  recent(eventId: string): { stream: string; revision: Revision } | undefined;
  /** The id stored at a revision of this stream (cache or index), for the durable exact path. */
  idAt(revision: Revision): string | undefined;
}

export type WriteDecision =
  /** Write the events after `current`; `undelete` when the stream was soft-deleted (spec §3.3). */
  | { readonly kind: 'write'; readonly undelete: boolean }
  /** Every id is already there: answer with the original revisions, write nothing. */
  | { readonly kind: 'idempotent'; readonly lastRevision: Revision }
  | { readonly kind: 'wrong_expected_version'; readonly current: Revision }
  | { readonly kind: 'stream_deleted' };

/**
 * The writer's commit check, as `IndexWriter.CheckCommit` does it (spec §3.1), including its
 * quirks: a first id that matches followed by one that does not is "corrupted idempotency" and
 * reported as a wrong expected version; an exact append with no events below the current revision
 * is a wrong expected version; `no_stream` recreates a soft-deleted stream.
 */
export function decideWrite(
  stream: string,
  state: StreamWriteState,
  expected: ExpectedRevision,
  eventIds: readonly string[],
  committed: CommittedIds,
): WriteDecision {
  const wrongExpectedVersion = { kind: 'wrong_expected_version', current: state.current } as const;
  if (state.tombstoned) return { kind: 'stream_deleted' };

  if (expected.kind === 'stream_exists') {
    if (state.softDeleted) return { kind: 'stream_deleted' };
    if (state.current === NO_STREAM && !state.hasMetadata) return wrongExpectedVersion;
  }

  if (expected.kind === 'any' || expected.kind === 'stream_exists') {
    // Best effort: only ids still in the recently-committed cache, in order, on this stream.
    let lastRevision: Revision | undefined;
    for (const [index, id] of eventIds.entries()) {
      const known = committed.recent(id);
      if (known === undefined || known.stream !== stream) {
        return index === 0 ? { kind: 'write', undelete: state.softDeleted } : wrongExpectedVersion;
      }
      lastRevision = known.revision;
    }
    return lastRevision === undefined
      ? { kind: 'write', undelete: state.softDeleted }
      : { kind: 'idempotent', lastRevision };
  }

  const expectedRevision = expected.kind === 'no_stream' ? BigInt(NO_STREAM) : expected.revision;
  const current = BigInt(state.current);
  if (expectedRevision < current) {
    // A retry of an append that already happened: every id must sit exactly where it would have landed.
    for (const [index, id] of eventIds.entries()) {
      const revision = Number(expectedRevision) + 1 + index;
      if (committed.idAt(revision) === id) continue;
      if (index > 0) return wrongExpectedVersion;
      if (expected.kind === 'no_stream' && state.softDeleted) return { kind: 'write', undelete: true };
      return wrongExpectedVersion;
    }
    if (eventIds.length === 0) return wrongExpectedVersion;
    return { kind: 'idempotent', lastRevision: Number(expectedRevision) + eventIds.length };
  }
  if (expectedRevision > current) return wrongExpectedVersion;
  return { kind: 'write', undelete: state.softDeleted };
}
