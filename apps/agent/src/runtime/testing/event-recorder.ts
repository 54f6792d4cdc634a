import type { InstanceEvent, InstanceRuntime, LogBatch, LogLine, RuntimeEvent } from '../runtime';

/** Records a runtime's events and log lines as a consumer would, and waits for the ones a test expects. */
export class Recorder {
  readonly events: RuntimeEvent[] = [];
  readonly lines = new Map<string, LogLine[]>();
  readonly dropped = new Map<string, number>();
  private readonly controller = new AbortController();
  private readonly listeners = new Set<() => void>();

  constructor(runtime: InstanceRuntime) {
    void this.consume(runtime.events({ signal: this.controller.signal }), (event) => this.events.push(event));
    void this.consume(runtime.logs({ signal: this.controller.signal }), (batch: LogBatch) => {
      this.lines.set(batch.instanceId, [...(this.lines.get(batch.instanceId) ?? []), ...batch.lines]);
      this.dropped.set(batch.instanceId, (this.dropped.get(batch.instanceId) ?? 0) + batch.dropped);
    });
  }

  /** Event types of one instance, in order, from the `from`th event on. */
  types(instanceId: string, from = 0): string[] {
    return this.of(instanceId, from).map((e) => e.type);
  }

  of(instanceId: string, from = 0): InstanceEvent[] {
    return this.events
      .slice(from)
      .filter((e): e is InstanceEvent => e.type !== 'dropped' && e.instanceId === instanceId);
  }

  /** The first event from the `from`th on that matches, waiting for it up to `timeoutMs`. */
  async next<T extends InstanceEvent['type']>(
    instanceId: string,
    type: T,
    options: { from?: number; timeoutMs?: number } = {},
  ): Promise<Extract<InstanceEvent, { type: T }>> {
    const found = () =>
      this.of(instanceId, options.from ?? 0).find((e) => e.type === type) as
        Extract<InstanceEvent, { type: T }> | undefined;
    await this.waitFor(
      () => found() !== undefined,
      options.timeoutMs ?? 5_000,
      () => `a ${type} event for ${instanceId}; saw ${this.types(instanceId).join(', ')}`,
    );
    return found()!;
  }

  logText(instanceId: string, stream?: 'stdout' | 'stderr'): string[] {
    return (this.lines.get(instanceId) ?? [])
      .filter((l) => !stream || l.stream === stream)
      .map((l) => l.data);
  }

  async waitFor(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    if (condition()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  get count(): number {
    return this.events.length;
  }

  stop(): void {
    this.controller.abort();
  }

  private async consume<T>(iterator: AsyncIterableIterator<T>, record: (item: T) => void): Promise<void> {
    for await (const item of iterator) {
      record(item);
      for (const listener of [...this.listeners]) listener();
    }
  }
}
