import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { Clock, systemClock } from '../domain/clock';
import { CommitSignal } from './commit-signal';
import { GroupCommitQueue } from './group-commit';
import { LogReader } from './log-reader';
import type { CommittedBatch, WriteCommand, WriteResult } from './records';
import { DATABASE_FILE, openForReading, openForWriting } from './schema';
import { StorageWriter, WriterStats } from './storage-writer';
import type { FromWriter, ToWriter, WriterThreadData } from './writer-thread';

/** The log as the services see it: group-committed writes, paged reads, and a signal on commit. */
export interface EventLog {
  readonly reader: LogReader;
  readonly commits: CommitSignal;
  write(command: WriteCommand): Promise<WriteResult>;
  /** Commits and acknowledges whatever is queued, then closes the database. */
  close(): Promise<WriterStats>;
}

export interface EventLogOptions {
  readonly adminPassword: string;
  readonly instanceId: string;
  /** Called if the writer dies: the log can no longer accept writes. */
  readonly onFatal: (error: Error) => void;
}

/**
 * File storage (the product's default): the writer runs in a worker thread with its own
 * connection; this thread reads through a second, read-only connection.
 */
export async function openFileEventLog(dataDir: string, options: EventLogOptions): Promise<EventLog> {
  mkdirSync(dataDir, { recursive: true });
  const filename = join(dataDir, DATABASE_FILE);
  const writer = await WriterThread.start(
    { filename, adminPassword: options.adminPassword, instanceId: options.instanceId },
    options.onFatal,
  );
  const db = openForReading(filename);
  return assemble(
    db,
    systemClock,
    (commands) => writer.commit(commands),
    async () => {
      const stats = await writer.close();
      db.close();
      return stats;
    },
  );
}

/** In-memory storage for tests: one connection, the writer runs on this thread (no fsync to wait for). */
export function openMemoryEventLog(options: Omit<EventLogOptions, 'onFatal'> & { clock?: Clock }): EventLog {
  const clock = options.clock ?? systemClock;
  const db = openForWriting(':memory:');
  const writer = StorageWriter.open(db, {
    clock,
    adminPassword: options.adminPassword,
    instanceId: options.instanceId,
  });
  return assemble(
    db,
    clock,
    async (commands) => writer.commit(commands),
    async () => {
      db.close();
      return writer.stats;
    },
  );
}

function assemble(
  db: Database.Database,
  clock: Clock,
  commit: (commands: WriteCommand[]) => Promise<CommittedBatch>,
  closeStorage: () => Promise<WriterStats>,
): EventLog {
  const reader = new LogReader(db, clock);
  const commits = new CommitSignal();
  const queue = new GroupCommitQueue(commit, (batch) => commits.notify(batch.streams));
  let closing: Promise<WriterStats> | undefined;
  return {
    reader,
    commits,
    write: (command) => queue.write(command),
    close: () =>
      (closing ??= (async () => {
        await queue.drain();
        return closeStorage();
      })()),
  };
}

/** The main-thread end of the writer worker. */
class WriterThread {
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (batch: CommittedBatch) => void; reject: (error: Error) => void }
  >();
  private closed?: (stats: WriterStats) => void;
  private lastStats: WriterStats = { transactions: 0, commands: 0 };

  private constructor(
    private readonly worker: Worker,
    onFatal: (error: Error) => void,
  ) {
    worker.on('message', (message: FromWriter) => {
      if (message.type === 'committed') {
        this.pending.get(message.id)?.resolve(message.batch);
        this.pending.delete(message.id);
      } else if (message.type === 'closed') {
        this.lastStats = message.stats;
        this.closed?.(message.stats);
      }
    });
    const fail = (error: Error) => {
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
      if (!this.closed) onFatal(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`storage writer exited with code ${code}`));
      this.closed?.(this.lastStats);
    });
  }

  static start(data: WriterThreadData, onFatal: (error: Error) => void): Promise<WriterThread> {
    const entry = join(__dirname, 'writer-thread.js');
    if (!existsSync(entry))
      throw new Error(`${entry} is missing: file storage runs the compiled build (npm run build)`);
    // The writer allocates little that lives long; a small young generation keeps its memory flat.
    const worker = new Worker(entry, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    return new Promise((resolve, reject) => {
      const onStartError = (error: Error) => reject(error);
      worker.once('error', onStartError);
      worker.once('message', (message: FromWriter) => {
        worker.off('error', onStartError);
        if (message.type === 'ready') resolve(new WriterThread(worker, onFatal));
        else reject(new Error(`storage writer sent ${message.type} before ready`));
      });
    });
  }

  commit(commands: WriteCommand[]): Promise<CommittedBatch> {
    const id = this.nextId++;
    const { compacted, buffers } = compact(commands);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'commit', id, commands: compacted } satisfies ToWriter, buffers);
    });
  }

  close(): Promise<WriterStats> {
    return new Promise((resolve) => {
      this.closed = resolve;
      this.worker.postMessage({ type: 'close' } satisfies ToWriter);
    });
  }
}

/**
 * Event payloads arrive as views into whole gRPC messages (or Node's 8 KiB buffer pool), and
 * posting a view to a worker copies the entire buffer behind it: a 100-event append would copy
 * its message a hundred times. Each payload gets its own exact-size buffer, which is then
 * transferred rather than copied.
 */
function compact(commands: WriteCommand[]): { compacted: WriteCommand[]; buffers: ArrayBuffer[] } {
  const buffers: ArrayBuffer[] = [];
  const own = (bytes: Uint8Array) => {
    const copy = new Uint8Array(bytes);
    buffers.push(copy.buffer);
    return copy;
  };
  const compacted = commands.map((command) =>
    command.kind === 'append'
      ? {
          ...command,
          events: command.events.map((event) => ({
            ...event,
            data: own(event.data),
            metadata: own(event.metadata),
          })),
        }
      : command,
  );
  return { compacted, buffers };
}
