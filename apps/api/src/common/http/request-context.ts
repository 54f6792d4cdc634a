import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor, DecisionContext, RoleName } from '@libs/domain';
import type { AllPosition, CommandMetadata } from '@libs/eventstore';
import { parseIfMatch } from './etag';

/** The authenticated caller, resolved from a bearer token by the auth guard. */
export interface Principal {
  userId: string;
  email: string;
  name: string | null;
  roles: readonly RoleName[];
  tokenId: string;
  scopes: readonly string[];
}

/**
 * Everything a use case needs from the HTTP request: who, when, the audit trail (request, correlation and
 * causation ids, source ip, user agent) and the pinned revision. Commands carry it into event metadata.
 */
export class RequestContext {
  readonly now = new Date();
  /** Set by the command executor; the response interceptor turns it into `ETag` and `X-Kontena-Position`. */
  outcome?: { revision?: bigint; position?: AllPosition };
  /** Milliseconds spent appending commands and waiting for their projection, for `Server-Timing`. */
  readonly timings = { command: 0, projection: 0 };

  constructor(
    readonly requestId: string,
    readonly correlationId: string,
    readonly sourceIp: string | undefined,
    readonly userAgent: string | undefined,
    readonly ifMatch: bigint | undefined,
    /** Set by the auth guard; public routes that establish who acts (token exchange) may set it themselves. */
    public principal: Principal | undefined,
  ) {}

  get actor(): Actor {
    if (!this.principal) return { kind: 'system', component: 'api' };
    return { kind: 'user', userId: this.principal.userId, email: this.principal.email };
  }

  /** The user, asserting the route was authenticated (every non-public route is). */
  get user(): Principal {
    if (!this.principal) throw new Error('route is not authenticated');
    return this.principal;
  }

  decision(): DecisionContext & { metadata: CommandMetadata } {
    return {
      now: this.now,
      actor: this.actor,
      metadata: {
        tokenId: this.principal?.tokenId,
        requestId: this.requestId,
        correlationId: this.correlationId,
        causationId: this.requestId,
        sourceIp: this.sourceIp,
        userAgent: this.userAgent,
      },
    };
  }
}

export type KontenaRequest = Request & { id?: string; principal?: Principal; kontena?: RequestContext };

export function requestContextOf(request: KontenaRequest): RequestContext {
  if (!request.kontena) {
    const requestId = String(request.id ?? request.headers['x-request-id'] ?? '');
    const correlation = request.headers['x-correlation-id'];
    request.kontena = new RequestContext(
      requestId,
      typeof correlation === 'string' && correlation.length <= 128 ? correlation : requestId,
      request.ip,
      request.headers['user-agent'],
      parseIfMatch(request.headers['if-match']),
      request.principal,
    );
  }
  return request.kontena;
}

/** Injects the request's `RequestContext` into a controller method. */
export const Ctx = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  requestContextOf(context.switchToHttp().getRequest<KontenaRequest>()),
);
