import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { DomainError } from '@libs/domain';
import { isRedisUnavailable } from '@libs/redis';
import { ReadModels } from '../../platform/read-models';
import { DomainException, HttpProblem } from './errors';

/** Kontena's answer for each kind of refusal (kontena-behaviour.md §3, DESIGN.md §8). */
function domainAnswer(error: DomainError): { status: number; body: unknown } {
  switch (error.kind) {
    case 'validation':
      return { status: 422, body: { error: (error as unknown as { errors: object }).errors } };
    case 'not-found':
      return { status: 404, body: (error as unknown as { body: object }).body };
    case 'forbidden':
      return { status: 403, body: { error: error.message } };
    case 'conflict':
      return { status: 412, body: { error: 'Precondition failed', reason: error.message } };
    case 'unavailable':
      return { status: 503, body: { error: error.message } };
  }
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * The single place where failures become HTTP answers. Unexpected errors answer 500 with the request id
 * only; the details go to the log.
 */
@Catch()
@Injectable()
export class KontenaExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(private readonly readModels: ReadModels) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request & { id?: string }>();
    void this.whileRebuilding(this.answer(exception, request)).then(({ status, body, headers }) => {
      if (response.headersSent) {
        response.end();
        return;
      }
      for (const [name, value] of Object.entries(headers ?? {})) response.setHeader(name, value);
      if (body === undefined) response.status(status).end();
      else response.status(status).json(body);
    });
  }

  /**
   * While Redis' read models are rebuilt from the log (Redis restarted empty), a valid token or an existing
   * resource may not be there yet: 401 would make a client drop its token and 404 is untrue, so both say
   * "retry" until the projector is back where it was.
   */
  private async whileRebuilding(answer: Answer): Promise<Answer> {
    if (answer.status !== 401 && answer.status !== 404) return answer;
    const rebuilding = await this.readModels.rebuilding().catch(() => false);
    if (!rebuilding) return answer;
    return {
      status: 503,
      body: { error: 'Read models are being rebuilt, try again shortly' },
      headers: { 'retry-after': '1' },
    };
  }

  private answer(exception: unknown, request: Request & { id?: string }): Answer {
    if (exception instanceof DomainException) return domainAnswer(exception.error);
    if (exception instanceof HttpProblem)
      return { status: exception.status, body: exception.body ?? undefined, headers: exception.headers };
    if (exception instanceof ThrottlerException) return { status: 429, body: { error: 'too_many_requests' } };
    if (exception instanceof NotFoundException) return { status: 404, body: { error: 'Not found' } };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) return { status, body: { error: exception.message } };
    }
    // Redis down or restarting: a passing outage the client can retry, not a bug (the apps reconnect).
    if (isRedisUnavailable(exception)) {
      this.logger.warn(
        { err: exception, requestId: request.id, method: request.method, url: request.url },
        'redis unavailable',
      );
      return {
        status: 503,
        body: { error: 'Service unavailable, try again later' },
        headers: { 'retry-after': '1' },
      };
    }
    this.logger.error(
      { err: exception, requestId: request.id, method: request.method, url: request.url },
      'unhandled error',
    );
    return { status: 500, body: { error: 'Internal server error', request_id: request.id } };
  }
}
