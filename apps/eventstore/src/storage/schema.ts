import Database from 'better-sqlite3';

/**
 * One table of records ordered by their global position (the rowid, so `$all` reads walk the
 * table's own B-tree) and one unique index by (stream, revision). Stream metadata and tombstones
 * are ordinary records, so every piece of state is derived from the log itself.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    stream   TEXT    NOT NULL,
    revision INTEGER NOT NULL,
    event_id TEXT    NOT NULL,
    type     TEXT    NOT NULL,
    is_json  INTEGER NOT NULL,
    created  INTEGER NOT NULL,
    data     BLOB    NOT NULL,
    metadata BLOB    NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events (stream, revision);
`;

const SCHEMA_VERSION = 1;

export const DATABASE_FILE = 'events.sqlite';

/**
 * Opens the database for the single writer. WAL with `synchronous=FULL` makes every commit durable
 * before it returns (an acknowledged append survives `kill -9` and power loss), and a transaction
 * is all-or-nothing, so a multi-event append is never partly visible.
 */
export function openForWriting(filename: string): Database.Database {
  const db = new Database(filename);
  if (filename !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== 0 && version !== SCHEMA_VERSION) {
    db.close();
    throw new Error(
      `${filename} has schema version ${version}; this server understands version ${SCHEMA_VERSION}`,
    );
  }
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  return db;
}

/** A second connection for reads; WAL lets it read committed data while the writer commits. */
export function openForReading(filename: string): Database.Database {
  const db = new Database(filename, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
  return db;
}
