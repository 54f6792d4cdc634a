import type Database from 'better-sqlite3';
import type { Clock } from '../domain/clock';
import type { LogPosition } from '../domain/positions';
import { DELETED_STREAM, NO_STREAM, Revision } from '../domain/revisions';
import {
  EMPTY_METADATA,
  firstVisibleRevision,
  isSoftDeleted,
  METASTREAM_METADATA,
  oldestVisibleCreated,
  parseStreamMetadata,
  StreamMetadata,
} from '../domain/stream-metadata';
import { isMetastream, metastreamOf } from '../domain/stream-names';
import type { StoredEvent } from './records';

/** A stream as reads see it, with its metadata applied (spec §3.3, §3.4). */
export type StreamView =
  | { readonly status: 'not_found' }
  | { readonly status: 'deleted' }
  | {
      readonly status: 'found';
      readonly lastRevision: Revision;
      /** Revisions below this are hidden by `$maxCount`/`$tb`. */
      readonly firstVisible: Revision;
      /** Events created before this (µs) are hidden by `$maxAge`; 0 when it does not apply. */
      readonly oldestCreated: number;
    };

type Row = [
  position: number,
  stream: string,
  revision: number,
  id: string,
  type: string,
  isJson: number,
  created: number,
  data: Buffer,
  metadata: Buffer,
];

const COLUMNS = 'position, stream, revision, event_id, type, is_json, created, data, metadata';

/**
 * Reads from the log. Every read is a bounded page, so nothing ever loads the log into memory, and
 * each page is its own short read transaction, so a slow reader never holds back WAL checkpoints.
 */
export class LogReader {
  private readonly allForward: Database.Statement;
  private readonly allBackward: Database.Statement;
  private readonly streamForward: Database.Statement;
  private readonly streamBackward: Database.Statement;
  private readonly lastRevisionStmt: Database.Statement;
  private readonly lastRecordStmt: Database.Statement;
  private readonly eventAtStmt: Database.Statement;
  private readonly lastPositionStmt: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly clock: Clock,
  ) {
    this.allForward = db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?`)
      .raw();
    this.allBackward = db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE position < ? ORDER BY position DESC LIMIT ?`)
      .raw();
    this.streamForward = db
      .prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? AND created >= ? ORDER BY revision LIMIT ?`,
      )
      .raw();
    this.streamBackward = db
      .prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? AND revision >= ? AND created >= ? ORDER BY revision DESC LIMIT ?`,
      )
      .raw();
    this.lastRevisionStmt = db
      .prepare('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1')
      .pluck();
    this.lastRecordStmt = db
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1`)
      .raw();
    this.eventAtStmt = db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision = ?`).raw();
    this.lastPositionStmt = db.prepare('SELECT max(position) FROM events').pluck();
  }

  /** Records at or after `from`, in log order. */
  readAllForward(from: LogPosition, limit: number): StoredEvent[] {
    return (this.allForward.all(from, limit) as Row[]).map(toStoredEvent);
  }

  /** Records strictly before `before`, newest first. */
  readAllBackward(before: LogPosition, limit: number): StoredEvent[] {
    return (this.allBackward.all(before, limit) as Row[]).map(toStoredEvent);
  }

  /** Position of the last record, -1 for an empty log. */
  lastPosition(): LogPosition {
    return (this.lastPositionStmt.get() as number | null) ?? -1;
  }

  /** Events of a stream from `from` upwards, ignoring metadata except an age bound. */
  readStreamForward(stream: string, from: Revision, limit: number, oldestCreated = 0): StoredEvent[] {
    return (this.streamForward.all(stream, from, oldestCreated, limit) as Row[]).map(toStoredEvent);
  }

  /** Events of a stream from `from` down to `lowest`, newest first. */
  readStreamBackward(
    stream: string,
    from: Revision,
    lowest: Revision,
    limit: number,
    oldestCreated = 0,
  ): StoredEvent[] {
    return (this.streamBackward.all(stream, from, lowest, oldestCreated, limit) as Row[]).map(toStoredEvent);
  }

  eventAt(stream: string, revision: Revision): StoredEvent | undefined {
    const row = this.eventAtStmt.get(stream, revision) as Row | undefined;
    return row && toStoredEvent(row);
  }

  lastEvent(stream: string): StoredEvent | undefined {
    const row = this.lastRecordStmt.get(stream) as Row | undefined;
    return row && toStoredEvent(row);
  }

  /** Last revision, counting tombstones (DELETED_STREAM) and soft-deleted events. */
  lastRevision(stream: string): Revision {
    return (this.lastRevisionStmt.get(stream) as number | undefined) ?? NO_STREAM;
  }

  /** The metadata in force: the last event of `$$<stream>`; metastreams keep only one event. */
  metadataOf(stream: string): StreamMetadata {
    if (isMetastream(stream)) return METASTREAM_METADATA;
    const last = this.lastEvent(metastreamOf(stream));
    if (!last || last.revision === DELETED_STREAM) return EMPTY_METADATA;
    return parseStreamMetadata(last.data, last.isJson);
  }

  /**
   * How reads see a stream (`IndexReader.ReadStreamEvents*`): tombstoned is deleted; no events or
   * soft-deleted is not found; otherwise metadata narrows what is visible.
   */
  view(stream: string): StreamView {
    const lastRevision = this.lastRevision(stream);
    if (lastRevision === DELETED_STREAM) return { status: 'deleted' };
    const metadata = this.metadataOf(stream);
    if (lastRevision === NO_STREAM || isSoftDeleted(metadata)) return { status: 'not_found' };
    return {
      status: 'found',
      lastRevision,
      firstVisible: firstVisibleRevision(metadata, lastRevision),
      oldestCreated: oldestVisibleCreated(metadata, this.clock()) ?? 0,
    };
  }
}

function toStoredEvent(row: Row): StoredEvent {
  return {
    position: row[0],
    stream: row[1],
    revision: row[2],
    id: row[3],
    type: row[4],
    isJson: row[5] === 1,
    created: row[6],
    data: row[7],
    metadata: row[8],
  };
}
