import Redis, { RedisOptions } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_REDIS_PREFIX = 'kontena:';

/**
 * Opens a Redis connection. `worker` connections (BullMQ workers, blocking reads) never give up on a
 * command (`maxRetriesPerRequest: null`, DESIGN.md §6); request-path connections fail fast so a Redis
 * outage answers 503 instead of hanging requests.
 */
export function connectRedis(url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL, role: 'request' | 'worker' = 'request', options: RedisOptions = {}): Redis {
  return new Redis(url, {
    lazyConnect: false,
    enableAutoPipelining: true,
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    ...options,
  });
}
