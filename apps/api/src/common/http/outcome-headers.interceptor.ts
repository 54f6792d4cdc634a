import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { tap } from 'rxjs';
import { positionToString } from '@libs/eventstore';
import { toETag } from './etag';
import type { KontenaRequest } from './request-context';

/**
 * Every mutating response carries the resulting stream revision as `ETag` and the `$all` position as
 * `X-Kontena-Position` (DESIGN.md §3), so clients can pin `If-Match` and reason about ordering, and a
 * `Server-Timing` header with the time spent appending and waiting for the read models (projection lag).
 */
@Injectable()
export class OutcomeHeadersInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    return next.handle().pipe(
      tap(() => {
        const request = context.switchToHttp().getRequest<KontenaRequest>();
        const response = context.switchToHttp().getResponse<Response>();
        const outcome = request.kontena?.outcome;
        if (!outcome || response.headersSent) return;
        const { command, projection } = request.kontena!.timings;
        if (command > 0) response.setHeader('Server-Timing', `command;dur=${command.toFixed(2)}, projection;dur=${projection.toFixed(2)}`);
        if (outcome.revision !== undefined) response.setHeader('ETag', toETag(outcome.revision));
        if (outcome.position) response.setHeader('X-Kontena-Position', positionToString(outcome.position));
      }),
    );
  }
}
