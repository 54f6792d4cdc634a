import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { createLogger } from '@libs/logging';

const SENSITIVE_QUERY = /^(code|refresh_token|access_token|token|password|value|invite_code|state)$/i;

/** Query strings can carry codes and tokens (OAuth2 accepts them there): log the keys, never the values. */
function redactUrl(url: string | undefined): string | undefined {
  if (!url || !url.includes('?')) return url;
  const [path, query] = url.split('?', 2);
  const params = new URLSearchParams(query);
  for (const key of [...params.keys()]) if (SENSITIVE_QUERY.test(key)) params.set(key, '[redacted]');
  return `${path}?${params.toString()}`;
}

/** A client-chosen request id is kept if it looks like one; anything else is replaced. */
function requestId(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  response.setHeader('X-Request-Id', id);
  return id;
}

export function httpLogging(): Params {
  return {
    pinoHttp: {
      logger: createLogger('api'),
      genReqId: requestId,
      autoLogging: { ignore: (request) => request.url === '/health' },
      serializers: {
        req: (request: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: request.id,
          method: request.method,
          url: redactUrl(request.url),
          remoteAddress: request.remoteAddress,
        }),
        res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
      },
    },
  };
}
