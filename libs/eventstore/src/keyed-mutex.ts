/**
 * One holder per key at a time, others queue in arrival order. Commands on the same stream are run one
 * after another within a process, so a busy aggregate does not burn retries on version conflicts this
 * process causes itself; other processes are still handled by the expected-revision check.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a holder or waiters (for tests and metrics). */
  get size(): number {
    return this.tails.size;
  }
}
