import { applyDecorators } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';

/** The paging and streaming parameters of every container-log route (kontena-behaviour.md §6). */
export function ContainerLogRoute(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiTags('container logs'),
    ApiQuery({ name: 'limit', required: false, description: 'How many lines (default 100; at most 10000)' }),
    ApiQuery({ name: 'from', required: false, description: 'Only lines after this line id, ascending' }),
    ApiQuery({
      name: 'since',
      required: false,
      description: 'Only lines written after this ISO 8601 time (ignored with from)',
    }),
    ApiQuery({
      name: 'follow',
      required: false,
      description:
        'Any value: keep streaming new lines (chunked JSON objects, a space as keep-alive); Accept: text/event-stream answers Server-Sent Events',
    }),
  );
}
