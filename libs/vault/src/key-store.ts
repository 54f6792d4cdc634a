import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Where wrapped data keys live. Deliberately not the event store: events are immutable, and
 * crypto-shredding needs a key that can really be destroyed (DESIGN.md §7).
 */
export interface KeyStore {
  put(keyId: string, wrapped: Buffer): void;
  get(keyId: string): Buffer | undefined;
  /** Stores a key wrapped anew (master key rotation); a key destroyed meanwhile stays destroyed. */
  replace(keyId: string, wrapped: Buffer): void;
  keyIds(): string[];
  destroy(keyId: string): void;
  close(): void;
}

/** A durable key store in a SQLite file (WAL, synchronous commits), or in memory for tests. */
export class SqliteKeyStore implements KeyStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // secure_delete overwrites freed pages, so a destroyed key does not linger in the file.
    this.db.pragma('secure_delete = ON');
    this.db.exec('CREATE TABLE IF NOT EXISTS data_keys (key_id TEXT PRIMARY KEY, wrapped BLOB NOT NULL)');
  }

  put(keyId: string, wrapped: Buffer): void {
    this.db.prepare('INSERT OR IGNORE INTO data_keys (key_id, wrapped) VALUES (?, ?)').run(keyId, wrapped);
  }

  get(keyId: string): Buffer | undefined {
    const row = this.db.prepare('SELECT wrapped FROM data_keys WHERE key_id = ?').get(keyId) as
      { wrapped: Buffer } | undefined;
    return row?.wrapped;
  }

  replace(keyId: string, wrapped: Buffer): void {
    this.db.prepare('UPDATE data_keys SET wrapped = ? WHERE key_id = ?').run(wrapped, keyId);
  }

  keyIds(): string[] {
    return this.db.prepare('SELECT key_id FROM data_keys ORDER BY key_id').pluck().all() as string[];
  }

  destroy(keyId: string): void {
    this.db.prepare('DELETE FROM data_keys WHERE key_id = ?').run(keyId);
    // Checkpoint so the deleted row's page also leaves the WAL file.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    this.db.close();
  }
}
