import type { Revision } from '../domain/revisions';

export interface CommittedEventInfo {
  readonly stream: string;
  readonly revision: Revision;
}

/**
 * The writer's recently-committed event ids, used for idempotent retries under `any` and
 * `stream_exists` (spec §3.1). Like the real server's 8 MiB `BoundedCache` it is memory only and
 * forgets the oldest ids first; we rebuild it from the log tail at start-up, so a retry right after
 * a restart is still recognised.
 */
export class RecentlyCommitted {
  private readonly entries = new Map<string, CommittedEventInfo>();

  constructor(readonly capacity: number) {}

  get(eventId: string): CommittedEventInfo | undefined {
    return this.entries.get(eventId);
  }

  add(eventId: string, info: CommittedEventInfo): void {
    // Re-adding moves the id to the young end, so the newest commit of an id wins.
    this.entries.delete(eventId);
    this.entries.set(eventId, info);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
