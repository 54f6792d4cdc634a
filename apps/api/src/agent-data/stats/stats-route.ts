import { applyDecorators } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { STATS_SORTS } from './stats-query';

/** What every `/stats` route takes and answers (kontena-behaviour.md §6 "Stats/metrics"). */
export function StatsRoute(of: string): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary: `The latest stats of each running container of ${of}, highest first` }),
    ApiQuery({
      name: 'sort',
      required: false,
      enum: STATS_SORTS,
      description: 'What to sort by, descending (default cpu)',
    }),
    ApiQuery({ name: 'limit', required: false, description: 'At most this many containers (default all)' }),
  );
}
