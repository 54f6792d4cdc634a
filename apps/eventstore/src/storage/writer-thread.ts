/**
 * Worker-thread entry point: the writer owns the database file here, so the event loop that
 * serves the network keeps accepting and reading while a commit waits for its fsync.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '../domain/clock';
import type { WriteCommand } from './records';
import { openForWriting } from './schema';
import { StorageWriter, WriterStats } from './storage-writer';

export interface WriterThreadData {
  readonly filename: string;
  readonly adminPassword: string;
  readonly instanceId: string;
}

export type ToWriter =
  | { readonly type: 'commit'; readonly id: number; readonly commands: WriteCommand[] }
  | { readonly type: 'close' };

export type FromWriter =
  | { readonly type: 'ready' }
  | { readonly type: 'committed'; readonly id: number; readonly batch: ReturnType<StorageWriter['commit']> }
  | { readonly type: 'closed'; readonly stats: WriterStats };

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { filename, adminPassword, instanceId } = workerData as WriterThreadData;
  const db = openForWriting(filename);
  const writer = StorageWriter.open(db, { clock: systemClock, adminPassword, instanceId });
  const send = (message: FromWriter) => port.postMessage(message);
  port.on('message', (message: ToWriter) => {
    if (message.type === 'commit') {
      send({ type: 'committed', id: message.id, batch: writer.commit(message.commands) });
    } else {
      db.close();
      send({ type: 'closed', stats: writer.stats });
      port.close();
    }
  });
  send({ type: 'ready' });
}
