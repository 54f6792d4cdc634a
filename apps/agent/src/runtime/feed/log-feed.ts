import type { LogBatch, LogLine } from '../runtime';
import { Ring } from './ring';

export interface LogFeedLimits {
  /** Lines kept per instance for a consumer that has not taken them yet. */
  linesPerInstance: number;
  /** Lines kept for a consumer in all, whatever the number of instances. */
  linesInTotal: number;
  /** Lines per batch. */
  batchLines: number;
}

export const DEFAULT_LOG_LIMITS: LogFeedLimits = {
  linesPerInstance: 1_000,
  linesInTotal: 100_000,
  batchLines: 500,
};

/**
 * Log lines to `for await` consumers in per-instance batches (what the agent ships as a log batch). Memory
 * is bounded per instance and in total: a consumer that falls behind loses each instance's oldest lines,
 * and the next batch of that instance says how many. An instance's lines are never reordered; instances
 * take turns, so one chatty instance cannot starve the others.
 */
export class LogFeed {
  private readonly subscribers = new Set<LogSubscriber>();
  private closed = false;

  constructor(private readonly limits: LogFeedLimits = DEFAULT_LOG_LIMITS) {}

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  publish(instanceId: string, line: LogLine): void {
    for (const subscriber of this.subscribers) subscriber.offer(instanceId, line);
  }

  subscribe(signal?: AbortSignal): AsyncIterableIterator<LogBatch> {
    const subscriber: LogSubscriber = new LogSubscriber(this.limits, () =>
      this.subscribers.delete(subscriber),
    );
    if (this.closed || signal?.aborted) subscriber.end();
    else {
      this.subscribers.add(subscriber);
      signal?.addEventListener('abort', () => subscriber.end(), { once: true });
    }
    return subscriber;
  }

  close(): void {
    this.closed = true;
    for (const subscriber of this.subscribers) subscriber.end();
  }
}

interface Pending {
  lines: Ring<LogLine>;
  dropped: number;
}

class LogSubscriber implements AsyncIterableIterator<LogBatch> {
  /** Only instances with lines waiting have an entry, so idle instances cost nothing. */
  private readonly pending = new Map<string, Pending>();
  /** Instances with lines waiting, in turn order. */
  private readonly turns = new Set<string>();
  private total = 0;
  private waiting: ((result: IteratorResult<LogBatch>) => void) | null = null;
  private waking = false;
  private ended = false;

  constructor(
    private readonly limits: LogFeedLimits,
    private readonly detach: () => void,
  ) {}

  offer(instanceId: string, line: LogLine): void {
    if (this.ended) return;
    let entry = this.pending.get(instanceId);
    if (!entry) {
      entry = { lines: new Ring(this.limits.linesPerInstance), dropped: 0 };
      this.pending.set(instanceId, entry);
    }
    if (this.total >= this.limits.linesInTotal) {
      // Over the total: the instance pays with its own oldest line, or this one when it has none waiting.
      if (entry.lines.size === 0) {
        entry.dropped++;
        this.turns.add(instanceId);
        return;
      }
      entry.lines.take(1);
      entry.dropped++;
      this.total--;
    }
    if (entry.lines.push(line)) entry.dropped++;
    else this.total++;
    this.turns.add(instanceId);
    this.wake();
  }

  /** A waiting consumer gets the lines at the end of this turn of the event loop, batched. */
  private wake(): void {
    if (!this.waiting || this.waking) return;
    this.waking = true;
    setImmediate(() => {
      this.waking = false;
      const resolve = this.waiting;
      if (!resolve || this.turns.size === 0) return;
      this.waiting = null;
      resolve({ value: this.takeBatch()!, done: false });
    });
  }

  private takeBatch(): LogBatch | null {
    const instanceId = this.turns.values().next().value as string | undefined;
    if (instanceId === undefined) return null;
    this.turns.delete(instanceId);
    const entry = this.pending.get(instanceId)!;
    const lines = entry.lines.take(this.limits.batchLines);
    const batch: LogBatch = { instanceId, lines, dropped: entry.dropped };
    entry.dropped = 0;
    this.total -= lines.length;
    if (entry.lines.size > 0) this.turns.add(instanceId);
    else this.pending.delete(instanceId);
    return batch;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.detach();
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<LogBatch>> {
    const batch = this.takeBatch();
    if (batch) return Promise.resolve({ value: batch, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<LogBatch>> {
    this.end();
    this.pending.clear();
    this.turns.clear();
    this.total = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LogBatch> {
    return this;
  }
}
