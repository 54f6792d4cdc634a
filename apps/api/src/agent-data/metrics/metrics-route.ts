import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { MetricsPoint } from '@libs/read-model';
import type { MetricsQuery } from './metrics-query';

/** What every `/metrics` route takes (kontena-behaviour.md §6 "Stats/metrics"). */
export function MetricsRoute(summary: string): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiQuery({
      name: 'from',
      required: false,
      description: 'Start, an ISO 8601 time (default: an hour before `to`)',
    }),
    ApiQuery({ name: 'to', required: false, description: 'End, an ISO 8601 time (default: now)' }),
  );
}

/** `{from, to, stats:[…]}` (`views/v1/stats/metrics.json.jbuilder`). */
export function renderMetrics(query: MetricsQuery, points: MetricsPoint[]) {
  return {
    from: new Date(query.fromMs).toISOString(),
    to: new Date(query.toMs).toISOString(),
    stats: points,
  };
}
