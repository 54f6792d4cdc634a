/**
 * What a projection asks the store to do for one event. Projections compute these from the event and the
 * current read models; the store applies them, the revision guard and the checkpoint in one atomic script.
 */
export type ReadModelOp =
  | { op: 'set'; key: string; value: string }
  | { op: 'del'; key: string }
  | { op: 'zadd'; key: string; score: number; member: string }
  | { op: 'zrem'; key: string; member: string }
  | { op: 'hset'; key: string; field: string; value: string }
  | { op: 'hdel'; key: string; field: string }
  /**
   * Appends one entry to event logs (Redis Streams), each kept to its `maxlen`. In each log the entry id is
   * `<ms>-*` with `ms` the event's time, raised to that log's last id when needed, so a rebuild assigns
   * byte-identical ids (DESIGN.md §4). An entry is filed in several logs at once (a service's, its grid's,
   * its node's): the value travels once for all of them, since it is most of what a batch sends to Redis.
   */
  | { op: 'log'; logs: readonly EventLogTarget[]; ms: number; value: string };

/** One event log an entry goes to, and how many entries that log keeps. */
export interface EventLogTarget {
  key: string;
  maxlen: number;
}
