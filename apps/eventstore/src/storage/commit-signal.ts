type Waiter = () => void;

/**
 * Wakes readers that wait for new records. Subscriptions read from their own cursor and only wait
 * here when they have read everything; the version number closes the race between "my read found
 * nothing" and "I start waiting": a commit noticed after `current` was taken wakes the waiter at
 * once, and anything committed before it was already visible to the read.
 */
export class CommitSignal {
  private version = 0;
  private readonly anyCommit = new Set<Waiter>();
  private readonly byStream = new Map<string, Set<Waiter>>();

  /** Take this before reading; pass it to `after` when the read came back short. */
  get current(): number {
    return this.version;
  }

  notify(streams: readonly string[]): void {
    this.version += 1;
    const woken: Waiter[] = [...this.anyCommit];
    for (const stream of streams) {
      const waiters = this.byStream.get(stream);
      if (waiters) woken.push(...waiters);
    }
    for (const wake of woken) wake();
  }

  /**
   * Resolves once a commit newer than `seen` happened, touching `stream` when one is given (a
   * subscription to `$all` passes none), or when `signal` aborts.
   */
  after(seen: number, stream: string | undefined, signal: AbortSignal): Promise<void> {
    if (this.version > seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const set = stream === undefined ? this.anyCommit : this.waitersOf(stream);
      const wake = () => {
        set.delete(wake);
        if (stream !== undefined && set.size === 0) this.byStream.delete(stream);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      set.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  /** Waiting readers, for tests and diagnostics (a disconnected subscriber must not linger). */
  get waiting(): number {
    let count = this.anyCommit.size;
    for (const set of this.byStream.values()) count += set.size;
    return count;
  }

  private waitersOf(stream: string): Set<Waiter> {
    let set = this.byStream.get(stream);
    if (!set) this.byStream.set(stream, (set = new Set()));
    return set;
  }
}
