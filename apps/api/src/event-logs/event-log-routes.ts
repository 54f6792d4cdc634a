import { applyDecorators } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';

/** The paging and streaming parameters every event-log route takes (kontena-behaviour.md §6). */
export function EventLogRoute(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiTags('event logs'),
    ApiQuery({
      name: 'limit',
      required: false,
      description: 'How many entries (default 100; at most 10000)',
    }),
    ApiQuery({ name: 'from', required: false, description: 'Only entries after this entry id, ascending' }),
    ApiQuery({
      name: 'since',
      required: false,
      description: 'Only entries created after this ISO 8601 time (ignored with from)',
    }),
    ApiQuery({
      name: 'follow',
      required: false,
      description:
        'Any value: keep streaming new entries (chunked JSON objects, a space as keep-alive); Accept: text/event-stream answers Server-Sent Events',
    }),
  );
}
