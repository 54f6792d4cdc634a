import type { ExpectedRevision } from '../domain/expected-revision';
import type { LogPosition } from '../domain/positions';
import type { Revision } from '../domain/revisions';

/** An event as a client proposes it (already validated). */
export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

/** A record of the log. `created` is µs since the Unix epoch. */
export interface StoredEvent {
  readonly position: LogPosition;
  readonly stream: string;
  readonly revision: Revision;
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly created: number;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export type WriteCommand =
  | {
      readonly kind: 'append';
      readonly stream: string;
      readonly expected: ExpectedRevision;
      readonly events: readonly ProposedEvent[];
    }
  | { readonly kind: 'delete'; readonly stream: string; readonly expected: ExpectedRevision }
  | { readonly kind: 'tombstone'; readonly stream: string; readonly expected: ExpectedRevision };

export type WriteResult =
  /** Written (or found already written): the stream's resulting revision and the write's position. */
  | { readonly kind: 'written'; readonly currentRevision: Revision; readonly position: LogPosition }
  | { readonly kind: 'wrong_expected_version'; readonly currentRevision: Revision }
  | { readonly kind: 'stream_deleted' }
  | { readonly kind: 'failed'; readonly message: string };

/** What one group commit made durable. */
export interface CommittedBatch {
  readonly results: readonly WriteResult[];
  /** Streams that received records, for waking subscriptions. */
  readonly streams: readonly string[];
  /** Position of the last record written, or -1 when the batch wrote nothing. */
  readonly lastPosition: LogPosition;
}
