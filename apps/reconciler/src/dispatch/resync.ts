import type { Logger } from '@libs/logging';
import { gridIndexes, ReadModelReader } from '@libs/read-model';
import type { ReconcileRequests } from '../reconcile/reconcile-requests';

/**
 * Every service is reconciled at least once per interval, whatever the dispatcher saw (level-triggered: never
 * trust that an event was seen), and once when this process starts leading. Requests are deduplicated per service, so this costs one add per service.
 */
export class Resync {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly reader: () => ReadModelReader,
    private readonly requests: ReconcileRequests,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.running = this.once()
        .then(() => undefined)
        .catch((error) => this.logger.warn({ err: error }, 'resync failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    // At once too: a reconciler that just took over converges what its predecessor left half done.
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async once(): Promise<number> {
    const reader = this.reader();
    let count = 0;
    for (const grid of await reader.ids(gridIndexes.all)) {
      const services = await reader.ids(gridIndexes.services(grid));
      await this.requests.requestAll(services);
      count += services.length;
    }
    return count;
  }
}
