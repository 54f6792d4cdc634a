import type { Logger } from '@libs/logging';
import type { EventLog } from '../storage/event-log';
import type { Access } from './auth';

/**
 * Lets long-lived calls (subscriptions, BatchAppend streams) end cleanly when the server stops,
 * and makes new work fail fast with UNAVAILABLE, which the client treats as "reconnect".
 */
export class Lifecycle {
  private stopping = false;
  private readonly stoppers = new Set<() => void>();

  get closing(): boolean {
    return this.stopping;
  }

  /** `stop` runs when the server begins to close; the returned function unregisters it. */
  onClose(stop: () => void): () => void {
    this.stoppers.add(stop);
    return () => this.stoppers.delete(stop);
  }

  /** Long-lived calls still open, for diagnostics: a disconnected subscriber must not linger. */
  get openCalls(): number {
    return this.stoppers.size;
  }

  beginClose(): void {
    if (this.stopping) return;
    this.stopping = true;
    for (const stop of [...this.stoppers]) stop();
  }
}

/** What every service handler works with. */
export interface ServiceContext {
  readonly log: EventLog;
  readonly access: Access;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
}
