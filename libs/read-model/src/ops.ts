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
   * Appends to an event log (a Redis Stream). The entry id is `<ms>-*` with `ms` the event's time, raised to
   * the log's last id when needed, so a rebuild assigns byte-identical ids (DESIGN.md §4).
   */
  | { op: 'log'; key: string; ms: number; value: string; maxlen: number };
