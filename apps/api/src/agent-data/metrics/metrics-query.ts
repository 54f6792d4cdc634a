import type { ErrorHash } from '@libs/domain';
import { Parsed, parseTime, scalar } from '../../common/http/query-params';

/** Kontena's default window (`@to - 1.hour`). */
export const DEFAULT_METRICS_WINDOW_MS = 60 * 60_000;

export interface MetricsQuery {
  fromMs: number;
  toMs: number;
}

const TIME_MESSAGE = (field: string) => `${field} must be an ISO 8601 time, such as 2017-01-01T12:15:00Z`;

/**
 * `from` and `to` as Kontena's metrics routes read them: `to` defaults to now and `from` to an hour before
 * `to`. Kontena answered 500 for a time `Time.parse` could not read and nothing for `from` after `to`; both
 * answer 400 here.
 */
export function parseMetricsQuery(query: Record<string, unknown>, now: Date): Parsed<MetricsQuery> {
  const errors: ErrorHash = {};
  const read = (field: 'from' | 'to', label: string): number | undefined => {
    const raw = scalar(query[field]);
    if (raw === undefined || raw === '') return undefined;
    const ms = raw === null ? undefined : parseTime(raw);
    if (ms === undefined) errors[field] = TIME_MESSAGE(label);
    return ms;
  };
  const to = read('to', 'To') ?? now.getTime();
  const from = read('from', 'From') ?? to - DEFAULT_METRICS_WINDOW_MS;
  if (!Object.keys(errors).length && from > to) errors.from = 'From must not be after To';
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { fromMs: from, toMs: to } };
}
