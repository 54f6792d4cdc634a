import type { CommittedBatch, WriteCommand, WriteResult } from './records';

interface QueuedWrite {
  readonly command: WriteCommand;
  readonly done: (result: WriteResult) => void;
}

/**
 * Group commit on the network side: writes that arrive while a commit is in flight wait together
 * and go to the writer as the next batch, which it makes durable in one transaction. At most one
 * batch is in flight, so a batch is everything that arrived during the previous commit's fsync.
 * Each write is acknowledged only after its batch committed.
 */
export class GroupCommitQueue {
  private queued: QueuedWrite[] = [];
  private inFlight = false;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly commit: (commands: WriteCommand[]) => Promise<CommittedBatch>,
    private readonly onCommitted: (batch: CommittedBatch) => void,
  ) {}

  write(command: WriteCommand): Promise<WriteResult> {
    return new Promise((done) => {
      this.queued.push({ command, done });
      this.schedule();
    });
  }

  /** Resolves once everything queued so far is committed and acknowledged. */
  drain(): Promise<void> {
    if (!this.inFlight && this.queued.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    this.scheduled = true;
    // Let the rest of this event-loop turn's requests join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight || this.queued.length === 0) return;
    const batch = this.queued;
    this.queued = [];
    this.inFlight = true;
    let committed: CommittedBatch;
    try {
      committed = await this.commit(batch.map((write) => write.command));
    } catch (error) {
      const message = `storage failure: ${error instanceof Error ? error.message : String(error)}`;
      committed = { results: batch.map(() => ({ kind: 'failed', message })), streams: [], lastPosition: -1 };
    }
    if (committed.lastPosition >= 0) this.onCommitted(committed);
    batch.forEach((write, index) => write.done(committed.results[index]));
    this.inFlight = false;
    if (this.queued.length > 0) {
      void this.flush();
    } else {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}
