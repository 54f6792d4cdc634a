import type { ErrorHash } from '@libs/domain';
import { Parsed, scalar } from '../../common/http/query-params';

export const STATS_SORTS = ['cpu', 'memory', 'rx_bytes', 'tx_bytes'] as const;
export type StatsSort = (typeof STATS_SORTS)[number];

export interface StatsQuery {
  sort: StatsSort;
  /** At most this many containers; all when absent. */
  limit?: number;
}

/**
 * `sort` and `limit` as Kontena's stats routes read them (`sort` default `cpu`, `limit` optional). Kontena
 * sorted by cpu for any unknown `sort` and answered nothing for `limit=abc` (`"abc".to_i` is 0); here both
 * answer 400 and say why.
 */
export function parseStatsQuery(query: Record<string, unknown>): Parsed<StatsQuery> {
  const errors: ErrorHash = {};
  const sortRaw = scalar(query.sort);
  let sort: StatsSort = 'cpu';
  if (sortRaw !== undefined && sortRaw !== '') {
    if (STATS_SORTS.includes(sortRaw as StatsSort)) sort = sortRaw as StatsSort;
    else errors.sort = `Sort must be one of ${STATS_SORTS.join(', ')}`;
  }
  const limitRaw = scalar(query.limit);
  let limit: number | undefined;
  if (limitRaw !== undefined && limitRaw !== '') {
    if (limitRaw !== null && /^\s*\d+\s*$/.test(limitRaw) && Number(limitRaw) > 0) limit = Number(limitRaw);
    else errors.limit = 'Limit must be a positive integer';
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: { sort, limit } };
}
