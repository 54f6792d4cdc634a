/**
 * Gathers work that arrives together for one service and hands it over as one batch, one batch per service at
 * a time: what arrives while a batch is being recorded waits for the next one. Reports of a busy service thus
 * become one append per round trip instead of one each, queued behind each other on the stream's lock.
 * `record` answers each item's outcome in order (null: done), so one refused item fails only its own job.
 */
export class PerServiceBatches<T> {
  private readonly pending = new Map<string, { item: T; settle: (error: Error | null) => void }[]>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly record: (serviceId: string, items: readonly T[]) => Promise<(Error | null)[]>,
    private readonly maxBatch = 500,
  ) {}

  add(serviceId: string, item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const queue = this.pending.get(serviceId) ?? [];
      queue.push({ item, settle: (error) => (error ? reject(error) : resolve()) });
      this.pending.set(serviceId, queue);
      // A macrotask later: the jobs the worker fetched in the same turn join this batch.
      if (!this.busy.has(serviceId)) {
        this.busy.add(serviceId);
        setImmediate(() => void this.drain(serviceId));
      }
    });
  }

  private async drain(serviceId: string): Promise<void> {
    for (;;) {
      const queue = this.pending.get(serviceId) ?? [];
      const batch = queue.splice(0, this.maxBatch);
      if (queue.length === 0) this.pending.delete(serviceId);
      if (batch.length === 0) break;
      try {
        const outcomes = await this.record(
          serviceId,
          batch.map((b) => b.item),
        );
        batch.forEach((b, i) => b.settle(outcomes[i] ?? null));
      } catch (error) {
        for (const b of batch) b.settle(error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.busy.delete(serviceId);
  }
}
