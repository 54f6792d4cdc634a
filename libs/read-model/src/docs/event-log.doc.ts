/**
 * Event logs (kontena-behaviour.md §6 "EventLog"): one Redis Stream per grid, stack, service and node
 * (`ReadModelKeys.eventLog(kind, id)`), written by the event-logs projection and read by the api. Each stream
 * entry holds one JSON `EventLogEntry` in field `v`; its stream id (`<ms>-<seq>`) is the entry's `id`.
 */

/** Kontena's severities (`server/app/models/event_log.rb`): the integers clients filter on. */
export const SEVERITY = { debug: 0, info: 1, warn: 2, error: 3 } as const;
export type Severity = (typeof SEVERITY)[keyof typeof SEVERITY];

export type EventLogKind = 'grid' | 'stack' | 'service' | 'node';

/** `{id: "grid/stack/svc", type: "service"}`: what an entry is about, in Kontena's order grid, stack, service, node. */
export interface EventLogRelationship {
  id: string;
  type: 'grid' | 'stack' | 'service' | 'volume' | 'node';
}

/** One entry as Kontena's view shows it (`views/v1/event_logs/_event_log.json.jbuilder`), without the `id`. */
export interface EventLogEntry {
  created_at: string;
  severity: Severity;
  type: string;
  message: string;
  meta: Record<string, unknown> | null;
  relationships: EventLogRelationship[];
}

/** The stream field that holds an entry's JSON (written by the read-model apply script's `log` op). */
export const EVENT_LOG_FIELD = 'v';

/**
 * Entries kept per log; older ones are trimmed as new ones arrive. Kontena kept one capped collection of
 * 100 MB for every log (`EVENT_LOGS_CAPPED_SIZE`); a cap per log keeps a busy service from pushing a quiet
 * grid's history out.
 */
export const EVENT_LOG_MAX_ENTRIES = 10_000;
