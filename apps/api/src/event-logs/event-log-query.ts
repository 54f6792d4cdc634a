import type { ErrorHash } from '@libs/domain';
import { NULL_STACK } from '@libs/domain';
import type { EventLogEntry, EventLogRelationship } from '@libs/read-model';
import { Parsed, parseTime, scalar } from '../common/http/query-params';
import { normaliseEntryId } from './event-log-ids';
import type { LogEntry } from './event-log.view';

type QueryValue = unknown;

/** `LogsHelpers::LOGS_LIMIT_DEFAULT` and `LOGS_LIMIT_MAX` (kontena-behaviour.md §6 "Paging & streaming"). */
export const LIMIT_DEFAULT = 100;
export const LIMIT_MAX = 10_000;

/** What a client asked of an event log. */
export interface EventLogQuery {
  limit: number;
  /** Only entries created strictly after this time (ms); Kontena ignores it when `from` is given. */
  sinceMs?: number;
  /** Only entries after this entry id, ascending. */
  from?: string;
  /** Keep the answer open and stream new entries (Kontena: `follow` with any value). */
  follow: boolean;
  /** Server-Sent Events instead of Kontena's chunked JSON (`Accept: text/event-stream`); always follows. */
  serverSentEvents: boolean;
}

/**
 * `limit`, `since`, `from` and `follow` as `LogsHelpers#render_event_logs` reads them (kontena-behaviour.md
 * §6): `limit` ≤ 0 means the default and is capped at 10,000. Where Kontena turned a malformed value into
 * something (`"abc".to_i` is 0, a bad `since` was silently dropped), this answers 400 and says which.
 * For SSE, `Last-Event-ID` (sent by a reconnecting EventSource) wins over `from`.
 */
export function parseEventLogQuery(
  query: Record<string, QueryValue>,
  headers: { accept?: string; lastEventId?: string },
): Parsed<EventLogQuery> {
  const errors: ErrorHash = {};
  const limitRaw = scalar(query.limit);
  let limit = LIMIT_DEFAULT;
  if (
    limitRaw === null ||
    (limitRaw !== undefined && limitRaw.trim() !== '' && !/^\s*[+-]?\d+\s*$/.test(limitRaw))
  ) {
    errors.limit = 'Limit must be an integer';
  } else if (limitRaw !== undefined && limitRaw.trim() !== '') {
    const n = Number(limitRaw);
    limit = n <= 0 ? LIMIT_DEFAULT : Math.min(n, LIMIT_MAX);
  }

  const serverSentEvents = (headers.accept ?? '').toLowerCase().includes('text/event-stream');
  let from: string | undefined;
  const fromRaw = scalar(query.from);
  if (fromRaw === null) errors.from = 'From must be an event log id, such as 1700000000000-0';
  else if (fromRaw !== undefined && fromRaw !== '') {
    from = normaliseEntryId(fromRaw.trim());
    if (!from) errors.from = 'From must be an event log id, such as 1700000000000-0';
  }
  if (serverSentEvents && headers.lastEventId !== undefined && headers.lastEventId.trim() !== '') {
    from = normaliseEntryId(headers.lastEventId.trim());
    if (!from) errors.last_event_id = 'Last-Event-ID must be an event log id, such as 1700000000000-0';
  }

  let sinceMs: number | undefined;
  const sinceRaw = scalar(query.since);
  if (sinceRaw === null) errors.since = 'Since must be an ISO 8601 time, such as 2017-01-01T12:00:00Z';
  else if (sinceRaw !== undefined && sinceRaw.trim() !== '') {
    sinceMs = parseTime(sinceRaw);
    if (sinceMs === undefined) errors.since = 'Since must be an ISO 8601 time, such as 2017-01-01T12:00:00Z';
  }

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      limit,
      from,
      sinceMs: from === undefined ? sinceMs : undefined,
      follow: serverSentEvents || query.follow !== undefined,
      serverSentEvents,
    },
  };
}

export type EntryFilter<T extends LogEntry = EventLogEntry> = (entry: T) => boolean;

/** Entries about any of `ids` of `type`. */
export function about(type: EventLogRelationship['type'], ids: ReadonlySet<string>): EntryFilter {
  return (entry) => entry.relationships.some((r) => r.type === type && ids.has(r.id));
}

function names(value: QueryValue): string[] | null | undefined {
  const raw = scalar(value);
  if (raw === undefined || raw === null) return raw;
  return raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/**
 * The grid log's filters (`grid_event_logs.rb`): `nodes=a,b`, `stacks=a,b`, `services=stack/svc,…`, each a
 * list of names that any may match, all given lists having to match. Unknown names match nothing, as in
 * Kontena. A service without a stack (`redis`) means the `null` stack's (Kontena's container-log filter
 * took that form; its event-log filter matched nothing).
 */
export function parseGridFilters(
  grid: string,
  query: Record<string, QueryValue>,
): Parsed<EntryFilter | undefined> {
  const errors: ErrorHash = {};
  const filters: EntryFilter[] = [];
  const lists = { nodes: names(query.nodes), stacks: names(query.stacks), services: names(query.services) };
  for (const [field, list] of Object.entries(lists))
    if (list === null)
      errors[field] = `${field[0].toUpperCase()}${field.slice(1)} must be a comma-separated list`;
  if (Object.keys(errors).length) return { ok: false, errors };

  if (lists.nodes) filters.push(about('node', new Set(lists.nodes.map((n) => `${grid}/${n}`))));
  if (lists.stacks) filters.push(about('stack', new Set(lists.stacks.map((s) => `${grid}/${s}`))));
  if (lists.services) {
    const ids = lists.services.map((s) => {
      const [stack, service] = s.includes('/') ? s.split('/') : [NULL_STACK, s];
      return `${grid}/${stack}/${service}`;
    });
    filters.push(about('service', new Set(ids)));
  }
  if (!filters.length) return { ok: true, value: undefined };
  return { ok: true, value: (entry) => filters.every((matches) => matches(entry)) };
}
