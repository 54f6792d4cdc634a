import type { EventLogEntry, EventLogKind, ReadModelKeys } from '@libs/read-model';

/** Which log: `grid` `my-grid`, `service` `my-grid/null/redis`, … (`ReadModelKeys.eventLog`). */
export interface LogRef {
  kind: EventLogKind;
  id: string;
  /**
   * The stream's key when the log is not an event log: container logs (`AgentDataKeys.containerLogs`) live
   * outside the read-model generations but are paged and followed the same way.
   */
  stream?: string;
}

/** The Redis Stream a log is in; an event log's key follows the current read-model generation. */
export function logStreamKey(keys: ReadModelKeys, log: LogRef): string {
  return log.stream ?? keys.eventLog(log.kind, log.id);
}

/** What the paging and following need of any log's entries: when each was created (`since`). */
export interface LogEntry {
  created_at: string;
}

/**
 * One stored entry, parsed and rendered at most once however many followers it goes to (Kontena's #2720 was
 * a master that rendered per follower and leaked).
 */
export class LoggedEntry<T extends LogEntry = EventLogEntry> {
  private parsed?: T;
  private rendered?: string;

  constructor(
    readonly id: string,
    private readonly raw: string,
  ) {}

  get entry(): T {
    return (this.parsed ??= JSON.parse(this.raw) as T);
  }

  /**
   * Kontena's entry JSON (`views/v1/event_logs/_event_log.json.jbuilder`) with the entry's `id` first, which
   * Kontena lacked: a client resumes with `from=<id>` (kontena-behaviour.md §6).
   */
  get json(): string {
    return (this.rendered ??= JSON.stringify({ id: this.id, ...this.entry }));
  }
}

/** `{"logs":[…]}` (`views/v1/event_logs/index.json.jbuilder`). */
export function renderPage(entries: readonly LoggedEntry<LogEntry>[]): string {
  return `{"logs":[${entries.map((e) => e.json).join(',')}]}`;
}

/** How a follow stream frames entries and keep-alives. */
export interface FollowFormat {
  contentType: string;
  entry(entry: LoggedEntry<LogEntry>): string;
  keepAlive: string;
  /** Written once, before anything else. */
  opening: string;
}

/**
 * Kontena's `follow` (`LogsHelpers`, Roda `stream(loop: true)`): each entry one chunk holding one JSON
 * object, and a single space as keep-alive; the CLI (`log_helper.rb`) parses chunk by chunk.
 */
export const CHUNKED_JSON: FollowFormat = {
  contentType: 'application/json',
  entry: (e) => e.json,
  keepAlive: ' ',
  opening: '',
};

/** Server-Sent Events: the entry id as the event id, so an EventSource resumes with `Last-Event-ID`. */
export const SERVER_SENT_EVENTS: FollowFormat = {
  contentType: 'text/event-stream; charset=utf-8',
  entry: (e) => `id: ${e.id}\ndata: ${e.json}\n\n`,
  keepAlive: ': keep-alive\n\n',
  opening: 'retry: 1000\n\n',
};
