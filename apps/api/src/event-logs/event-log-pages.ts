import { Injectable } from '@nestjs/common';
import { EVENT_LOG_FIELD, EventLogEntry } from '@libs/read-model';
import { ReadModels } from '../platform/read-models';
import { entryIdBefore } from './event-log-ids';
import type { EntryFilter, EventLogQuery } from './event-log-query';
import { LogEntry, LoggedEntry, LogRef, logStreamKey } from './event-log.view';

type StreamReply = [id: string, fields: string[]][];

/** How many entries one read fetches when a filter may skip some. */
const SCAN_BATCH = 1_000;

function toEntries<T extends LogEntry>(reply: StreamReply): LoggedEntry<T>[] {
  return reply.map(([id, fields]) => new LoggedEntry<T>(id, fields[fields.indexOf(EVENT_LOG_FIELD) + 1]));
}

/** An entry matches the query's `since` (created strictly after) and the route's filter. */
export function matcher<T extends LogEntry>(
  query: Pick<EventLogQuery, 'sinceMs'>,
  only?: EntryFilter<T>,
): (entry: LoggedEntry<T>) => boolean {
  const { sinceMs } = query;
  if (sinceMs === undefined && !only) return () => true;
  return (e) =>
    (sinceMs === undefined || Date.parse(e.entry.created_at) > sinceMs) && (!only || only(e.entry));
}

/**
 * Pages of an event log, as `LogsHelpers#render_event_logs` answers them (kontena-behaviour.md §6): after
 * `from`, the next `limit` entries ascending; otherwise the most recent `limit` entries (created after
 * `since`), in ascending order.
 */
@Injectable()
export class EventLogPages {
  constructor(private readonly readModels: ReadModels) {}

  async page<T extends LogEntry = EventLogEntry>(
    log: LogRef,
    query: EventLogQuery,
    only?: EntryFilter<T>,
  ): Promise<LoggedEntry<T>[]> {
    if (query.from !== undefined) return this.after(log, query.from, query.limit, matcher(query, only));
    const head = await this.head(log);
    return head ? this.latest(log, head, query, only) : [];
  }

  /**
   * Where a follower starts reading so that it first gets exactly the page a plain GET would answer and
   * then everything after: just before the page's first entry, or at the head when the page is empty.
   */
  async followStart<T extends LogEntry = EventLogEntry>(
    log: LogRef,
    query: EventLogQuery,
    only?: EntryFilter<T>,
  ): Promise<string> {
    if (query.from !== undefined) return query.from;
    const head = await this.head(log);
    if (!head) return '0-0';
    const page = await this.latest(log, head, query, only);
    return page.length ? entryIdBefore(page[0].id) : head;
  }

  private key(log: LogRef): string {
    return logStreamKey(this.readModels.reader.keys, log);
  }

  private async head(log: LogRef): Promise<string | undefined> {
    const [last] = await this.readModels.reader.redis.xrevrange(this.key(log), '+', '-', 'COUNT', 1);
    return last?.[0];
  }

  private async after<T extends LogEntry>(
    log: LogRef,
    from: string,
    limit: number,
    matches: (e: LoggedEntry<T>) => boolean,
  ): Promise<LoggedEntry<T>[]> {
    const out: LoggedEntry<T>[] = [];
    let start = `(${from}`;
    for (;;) {
      const batch = toEntries<T>(
        await this.readModels.reader.redis.xrange(this.key(log), start, '+', 'COUNT', SCAN_BATCH),
      );
      for (const entry of batch) {
        if (!matches(entry)) continue;
        out.push(entry);
        if (out.length === limit) return out;
      }
      if (batch.length < SCAN_BATCH) return out;
      start = `(${batch[batch.length - 1].id}`;
    }
  }

  /** The most recent matching entries up to `head`, ascending. */
  private async latest<T extends LogEntry>(
    log: LogRef,
    head: string,
    query: EventLogQuery,
    only?: EntryFilter<T>,
  ): Promise<LoggedEntry<T>[]> {
    const matches = matcher(query, only);
    const filtered = query.sinceMs !== undefined || only !== undefined;
    const batchSize = filtered ? SCAN_BATCH : query.limit;
    // An entry's id is never before its `created_at` (event logs raise ids to it; container lines are never
    // created after they arrive), so `since` bounds the scan.
    const min = query.sinceMs !== undefined ? `${Math.floor(query.sinceMs) + 1}-0` : '-';
    const out: LoggedEntry<T>[] = [];
    let end = head;
    for (;;) {
      const batch = toEntries<T>(
        await this.readModels.reader.redis.xrevrange(this.key(log), end, min, 'COUNT', batchSize),
      );
      for (const entry of batch) {
        if (!matches(entry)) continue;
        out.push(entry);
        if (out.length === query.limit) return out.reverse();
      }
      if (batch.length < batchSize) return out.reverse();
      end = `(${batch[batch.length - 1].id}`;
    }
  }
}
