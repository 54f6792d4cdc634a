import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from '../domain/clock';
import { CommittedIds, decideWrite, WriteDecision } from '../domain/expected-revision';
import { EPOCH_RECORD_SIZE, LogPosition, recordSize } from '../domain/positions';
import { DELETED_STREAM, NO_STREAM, Revision } from '../domain/revisions';
import {
  EMPTY_METADATA,
  isSoftDeleted,
  METASTREAM_METADATA,
  parseStreamMetadata,
  SOFT_DELETE_METADATA,
  StreamMetadata,
  withTruncateBefore,
} from '../domain/stream-metadata';
import {
  EPOCH_INFORMATION_STREAM,
  isMetastream,
  metastreamOf,
  originalStreamOf,
  SystemEventTypes,
} from '../domain/stream-names';
import type { CommittedBatch, ProposedEvent, WriteCommand, WriteResult } from './records';
import { CommittedEventInfo, RecentlyCommitted } from './recently-committed';
import { defaultUsersCommands, epochInformationCommand, parseEpochInformation } from './system-events';

/** What the writer needs to know about a stream to check and perform writes. */
interface StreamState {
  /** NO_STREAM, the last event's revision, or DELETED_STREAM once tombstoned. */
  readonly lastRevision: Revision;
  /** Last revision of `$$<stream>`. */
  readonly metaLastRevision: Revision;
  readonly metadata: StreamMetadata;
  /** The last `$$<stream>` event's data, which a soft undelete rewrites. */
  readonly rawMetadata: Uint8Array | undefined;
}

/** Changes made by one group commit, published to the writer's caches only once it is durable. */
class PendingChanges {
  readonly states = new Map<string, StreamState>();
  readonly ids = new Map<string, CommittedEventInfo>();
  readonly streams = new Set<string>();
  lastPosition: LogPosition = -1;
}

/** How well group commit is grouping: commands per transaction. */
export interface WriterStats {
  readonly transactions: number;
  readonly commands: number;
}

export interface StorageWriterOptions {
  readonly clock: Clock;
  /** Password of the `admin` user created on the very first start. */
  readonly adminPassword: string;
  /** This node's instance id, recorded in its epochs. */
  readonly instanceId: string;
  /** How many ids the recently-committed cache keeps (idempotency under `any`). */
  readonly recentlyCommittedCapacity?: number;
  /** How many streams' states stay cached between batches. */
  readonly streamStateCapacity?: number;
}

const EMPTY = new Uint8Array(0);

/** About what the real server's 8 MiB `CommitedEventsMemCacheLimit` holds (~250 bytes an entry). */
const RECENTLY_COMMITTED_CAPACITY = 32_768;

/**
 * The single writer of the log. `commit` takes every command that arrived together, checks each
 * against the stream's state in order, writes the accepted ones in one SQLite transaction and
 * returns only once that transaction is durable: group commit. Nothing it caches changes before the
 * commit succeeds, so a failed commit leaves it exactly as it was.
 */
export class StorageWriter {
  private logEnd: LogPosition;
  private readonly recent: RecentlyCommitted;
  private readonly streamStates = new Map<string, StreamState>();
  private readonly streamStateCapacity: number;
  private transactions = 0;
  private commands = 0;

  private readonly insertStmt: Database.Statement;
  private readonly lastRevisionStmt: Database.Statement;
  private readonly lastRecordStmt: Database.Statement;
  private readonly idAtStmt: Database.Statement;
  private readonly positionAtStmt: Database.Statement;
  private readonly inTransaction: (
    commands: readonly WriteCommand[],
    changes: PendingChanges,
  ) => WriteResult[];

  private constructor(
    private readonly db: Database.Database,
    private readonly options: StorageWriterOptions,
  ) {
    this.recent = new RecentlyCommitted(options.recentlyCommittedCapacity ?? RECENTLY_COMMITTED_CAPACITY);
    this.streamStateCapacity = options.streamStateCapacity ?? 10_000;
    this.insertStmt = db.prepare(
      'INSERT INTO events (position, stream, revision, event_id, type, is_json, created, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.lastRevisionStmt = db
      .prepare('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1')
      .pluck();
    this.lastRecordStmt = db.prepare(
      'SELECT revision, is_json, data FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1',
    );
    this.idAtStmt = db.prepare('SELECT event_id FROM events WHERE stream = ? AND revision = ?').pluck();
    this.positionAtStmt = db.prepare('SELECT position FROM events WHERE stream = ? AND revision = ?').pluck();
    this.inTransaction = db.transaction((commands: readonly WriteCommand[], changes: PendingChanges) =>
      commands.map((command) => this.apply(command, changes)),
    );
    this.logEnd = this.findLogEnd();
    this.rebuildRecentlyCommitted();
  }

  /** Opens the writer and records this start the way a node does (epoch, and users on first start). */
  static open(db: Database.Database, options: StorageWriterOptions): StorageWriter {
    const writer = new StorageWriter(db, options);
    writer.recordStart();
    return writer;
  }

  get stats(): WriterStats {
    return { transactions: this.transactions, commands: this.commands };
  }

  /** Position the next record will take. */
  get endOfLog(): LogPosition {
    return this.logEnd;
  }

  commit(commands: readonly WriteCommand[]): CommittedBatch {
    const changes = new PendingChanges();
    const logEndBefore = this.logEnd;
    let results: WriteResult[];
    try {
      results = this.inTransaction(commands, changes);
    } catch (error) {
      this.logEnd = logEndBefore;
      const message = `storage failure: ${error instanceof Error ? error.message : String(error)}`;
      return { results: commands.map(() => ({ kind: 'failed', message })), streams: [], lastPosition: -1 };
    }
    this.publish(changes);
    this.transactions += 1;
    this.commands += commands.length;
    return { results, streams: [...changes.streams], lastPosition: changes.lastPosition };
  }

  private apply(command: WriteCommand, changes: PendingChanges): WriteResult {
    switch (command.kind) {
      case 'append':
        return this.append(command.stream, command.expected, command.events, changes);
      case 'delete':
        return this.softDelete(command.stream, command.expected, changes);
      case 'tombstone':
        return this.tombstone(command.stream, command.expected, changes);
    }
  }

  private append(
    stream: string,
    expected: WriteCommand['expected'],
    events: readonly ProposedEvent[],
    changes: PendingChanges,
  ): WriteResult {
    const state = this.stateOf(stream, changes);
    const decision = this.decide(
      stream,
      state,
      expected,
      events.map((e) => e.id),
      changes,
    );
    if (decision.kind !== 'write') return this.refusedOrIdempotent(stream, decision);

    // Decided before the write, as the real writer does: writing to the metastream of a
    // soft-deleted stream undeletes that stream too.
    const undeleteOriginal =
      isMetastream(stream) && isSoftDeleted(this.stateOf(originalStreamOf(stream), changes).metadata);
    const created = this.options.clock();
    let revision = state.lastRevision;
    let position = this.logEnd;
    for (const event of events) {
      revision += 1;
      position = this.writeRecord(stream, revision, event, created, changes);
    }
    if (decision.undelete) this.softUndelete(stream, state.lastRevision + 1, created, changes);
    if (undeleteOriginal) {
      const original = originalStreamOf(stream);
      this.softUndelete(original, this.stateOf(original, changes).lastRevision + 1, created, changes);
    }
    return { kind: 'written', currentRevision: revision, position };
  }

  /**
   * Soft delete: a metadata event holding only `$tb = long.MaxValue` (spec §3.3). Deleting a stream
   * that has neither events nor metadata is a wrong expected version (server PR #3154).
   */
  private softDelete(
    stream: string,
    expected: WriteCommand['expected'],
    changes: PendingChanges,
  ): WriteResult {
    const state = this.stateOf(stream, changes);
    const decision = this.decide(stream, state, expected, [randomUUID()], changes);
    if (decision.kind !== 'write') return this.refusedOrIdempotent(stream, decision);
    if (state.lastRevision === NO_STREAM && state.metaLastRevision === NO_STREAM) {
      return { kind: 'wrong_expected_version', currentRevision: NO_STREAM };
    }
    const metastream = metastreamOf(stream);
    const deleteMarker = {
      id: randomUUID(),
      type: SystemEventTypes.StreamMetadata,
      isJson: true,
      data: SOFT_DELETE_METADATA,
      metadata: EMPTY,
    };
    const position = this.writeRecord(
      metastream,
      state.metaLastRevision + 1,
      deleteMarker,
      this.options.clock(),
      changes,
    );
    return { kind: 'written', currentRevision: state.lastRevision, position };
  }

  /** Hard delete: a `$streamDeleted` record at event number `long.MaxValue`, forever (spec §3.3). */
  private tombstone(
    stream: string,
    expected: WriteCommand['expected'],
    changes: PendingChanges,
  ): WriteResult {
    const state = this.stateOf(stream, changes);
    const decision = this.decide(stream, state, expected, [randomUUID()], changes);
    if (decision.kind !== 'write') return this.refusedOrIdempotent(stream, decision);
    const tombstone = {
      id: randomUUID(),
      type: SystemEventTypes.StreamDeleted,
      isJson: false,
      data: EMPTY,
      metadata: EMPTY,
    };
    const position = this.writeRecord(stream, DELETED_STREAM, tombstone, this.options.clock(), changes);
    return { kind: 'written', currentRevision: DELETED_STREAM, position };
  }

  private decide(
    stream: string,
    state: StreamState,
    expected: WriteCommand['expected'],
    ids: string[],
    changes: PendingChanges,
  ): WriteDecision {
    const committed: CommittedIds = {
      recent: (id) => changes.ids.get(id) ?? this.recent.get(id),
      // Inside the transaction, so ids written earlier in this batch are seen too.
      idAt: (revision) => this.idAtStmt.get(stream, revision) as string | undefined,
    };
    const writeState = {
      current: state.lastRevision === DELETED_STREAM ? NO_STREAM : state.lastRevision,
      tombstoned: state.lastRevision === DELETED_STREAM,
      softDeleted: isSoftDeleted(state.metadata),
      hasMetadata: state.metaLastRevision !== NO_STREAM,
    };
    return decideWrite(stream, writeState, expected, ids, committed);
  }

  private refusedOrIdempotent(
    stream: string,
    decision: Exclude<WriteDecision, { kind: 'write' }>,
  ): WriteResult {
    switch (decision.kind) {
      case 'stream_deleted':
        return { kind: 'stream_deleted' };
      case 'wrong_expected_version':
        return { kind: 'wrong_expected_version', currentRevision: decision.current };
      case 'idempotent': {
        // The original write's position: that of its last event, which is what it returned then.
        const position = this.positionAtStmt.get(stream, decision.lastRevision) as number | undefined;
        return { kind: 'written', currentRevision: decision.lastRevision, position: position ?? -1 };
      }
    }
  }

  /** Rewrites the metadata in force with `$tb` where the stream starts again (spec §3.3). */
  private softUndelete(
    stream: string,
    recreateFrom: Revision,
    created: number,
    changes: PendingChanges,
  ): void {
    const state = this.stateOf(stream, changes);
    const rewritten = state.rawMetadata && withTruncateBefore(state.rawMetadata, recreateFrom);
    if (!rewritten) return;
    const metadataEvent = {
      id: randomUUID(),
      type: SystemEventTypes.StreamMetadata,
      isJson: true,
      data: rewritten,
      metadata: EMPTY,
    };
    this.writeRecord(metastreamOf(stream), state.metaLastRevision + 1, metadataEvent, created, changes);
  }

  private writeRecord(
    stream: string,
    revision: Revision,
    event: ProposedEvent,
    created: number,
    changes: PendingChanges,
  ): LogPosition {
    const position = this.logEnd;
    this.insertStmt.run(
      position,
      stream,
      revision,
      event.id,
      event.type,
      event.isJson ? 1 : 0,
      created,
      asBuffer(event.data),
      asBuffer(event.metadata),
    );
    this.logEnd += recordSize(stream, event.type, event.data.length, event.metadata.length);

    changes.streams.add(stream);
    changes.lastPosition = position;
    changes.ids.set(event.id, { stream, revision });
    changes.states.set(stream, { ...this.stateOf(stream, changes), lastRevision: revision });
    if (isMetastream(stream)) {
      const original = originalStreamOf(stream);
      changes.states.set(original, {
        ...this.stateOf(original, changes),
        metaLastRevision: revision,
        metadata: metadataFrom(original, revision, event.data, event.isJson),
        rawMetadata: event.data,
      });
    }
    return position;
  }

  private stateOf(stream: string, changes: PendingChanges): StreamState {
    const pending = changes.states.get(stream);
    if (pending) return pending;
    const cached = this.streamStates.get(stream);
    if (cached) return cached;
    const state = this.loadState(stream);
    this.cacheState(stream, state);
    return state;
  }

  private loadState(stream: string): StreamState {
    const lastRevision = (this.lastRevisionStmt.get(stream) as number | undefined) ?? NO_STREAM;
    const meta = this.lastRecordStmt.get(metastreamOf(stream)) as
      { revision: number; is_json: number; data: Buffer } | undefined;
    if (!meta)
      return {
        lastRevision,
        metaLastRevision: NO_STREAM,
        metadata: isMetastream(stream) ? METASTREAM_METADATA : EMPTY_METADATA,
        rawMetadata: undefined,
      };
    return {
      lastRevision,
      metaLastRevision: meta.revision,
      metadata: metadataFrom(stream, meta.revision, meta.data, meta.is_json === 1),
      rawMetadata: meta.data,
    };
  }

  private cacheState(stream: string, state: StreamState): void {
    this.streamStates.delete(stream);
    this.streamStates.set(stream, state);
    if (this.streamStates.size > this.streamStateCapacity) {
      this.streamStates.delete(this.streamStates.keys().next().value as string);
    }
  }

  private publish(changes: PendingChanges): void {
    for (const [stream, state] of changes.states) this.cacheState(stream, state);
    for (const [id, info] of changes.ids) this.recent.add(id, info);
  }

  private findLogEnd(): LogPosition {
    const last = this.db
      .prepare(
        'SELECT position, stream, type, length(data) AS dataLength, length(metadata) AS metadataLength FROM events ORDER BY position DESC LIMIT 1',
      )
      .get() as
      | { position: number; stream: string; type: string; dataLength: number; metadataLength: number }
      | undefined;
    return last
      ? last.position + recordSize(last.stream, last.type, last.dataLength, last.metadataLength)
      : 0;
  }

  /** The cache is memory only in the real server; refilling it from the log tail keeps retries idempotent across restarts. */
  private rebuildRecentlyCommitted(): void {
    const tail = this.db
      .prepare('SELECT event_id, stream, revision FROM events ORDER BY position DESC LIMIT ?')
      .all(this.recent.capacity) as { event_id: string; stream: string; revision: number }[];
    for (let i = tail.length - 1; i >= 0; i--)
      this.recent.add(tail[i].event_id, { stream: tail[i].stream, revision: tail[i].revision });
  }

  private recordStart(): void {
    const firstStart = this.logEnd === 0;
    const last = this.lastRecordStmt.get(EPOCH_INFORMATION_STREAM) as
      { revision: number; data: Buffer } | undefined;
    // An unreadable epoch event only costs the continuity of epoch numbers, never the start.
    const previous = last && {
      epochNumber: last.revision,
      epochPosition: -1,
      ...parseEpochInformation(last.data),
      revision: last.revision,
    };
    const epoch = { epochNumber: previous ? previous.epochNumber + 1 : 0, epochPosition: this.logEnd };
    this.logEnd += EPOCH_RECORD_SIZE;
    const commands = [
      epochInformationCommand(
        epoch,
        previous,
        this.options.instanceId,
        new Date(this.options.clock() / 1000),
      ),
      ...(firstStart ? defaultUsersCommands(this.options.adminPassword) : []),
    ];
    const failure = this.commit(commands).results.find((result) => result.kind !== 'written');
    if (failure) throw new Error(`could not record the node's start: ${JSON.stringify(failure)}`);
  }
}

function metadataFrom(
  stream: string,
  metaRevision: Revision,
  data: Uint8Array,
  isJson: boolean,
): StreamMetadata {
  if (isMetastream(stream)) return METASTREAM_METADATA;
  // A tombstoned metastream leaves the stream without metadata.
  if (metaRevision === DELETED_STREAM) return EMPTY_METADATA;
  return parseStreamMetadata(data, isJson);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
