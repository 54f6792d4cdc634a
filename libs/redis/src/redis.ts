import Redis, { RedisOptions } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_REDIS_PREFIX = 'kontena:';

/**
 * Opens a Redis connection. `worker` connections (BullMQ workers, blocking reads) never give up on a
 * command (`maxRetriesPerRequest: null`, DESIGN.md §6); request-path connections fail fast so a Redis
 * outage answers 503 instead of hanging requests.
 *
 * No auto-pipelining: ioredis builds a pipeline object for every auto-pipelined batch and copies every script
 * defined on the connection into it, and BullMQ defines ~50 on every connection its queues use. That copying
 * was 8% of the agent fleet's CPU and 5% of the reconciler's in bench:scale; without it the fleet used 17% less
 * CPU and the run was 9% faster, and bench:api did not change (docs/benchmarks.md).
 */
export function connectRedis(
  url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  role: 'request' | 'worker' = 'request',
  options: RedisOptions = {},
): Redis {
  return reconnectsQuietly(
    new Redis(url, {
      lazyConnect: false,
      enableAutoPipelining: false,
      maxRetriesPerRequest: role === 'worker' ? null : 2,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
      ...options,
    }),
  );
}

/**
 * Without an 'error' listener ioredis prints every failed reconnection attempt of an outage to stderr as
 * an "Unhandled error event". Those are expected: the connection retries by itself and the commands that
 * could not be sent fail at their call sites, which decide what to say. `duplicate()` copies no listener.
 */
export function reconnectsQuietly<T extends Redis>(redis: T): T {
  redis.on('error', () => undefined);
  return redis;
}

/** Messages ioredis fails a command with when it has no connection to send it on. */
const NO_CONNECTION = [
  /^Connection is closed/,
  /^Stream isn't writeable/,
  /^connect ECONNREFUSED/,
  /^read ECONNRESET/,
];

/**
 * Whether `error` means Redis could not be reached (down, restarting), rather than that it refused the
 * command: a request-path connection gives up after a few retries, and the answer is "try again" (503).
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return NO_CONNECTION.some((pattern) => pattern.test(error.message));
}

/** A Redis URL fit for a log line: the password, if any, replaced. A Unix socket's path holds none. */
export function redactedRedisUrl(url: string): string {
  if (url.startsWith('/')) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

/**
 * Resolves once Redis at `url` answers PING, trying every `intervalMs`. A process started before its Redis
 * (a machine booting, a container scheduled first) waits and says why, once per `reportEveryMs`, instead of
 * failing its first command with a stack trace. Rejects only when `signal` aborts.
 */
export async function waitForRedis(
  url: string,
  onWaiting: (reason: string) => void,
  options: { intervalMs?: number; reportEveryMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const { intervalMs = 500, reportEveryMs = 5_000, signal } = options;
  let reportedAt = -Infinity;
  for (;;) {
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 2_000,
    });
    // The socket's own error says why (ECONNREFUSED, ENOTFOUND, NOAUTH…); the command only says it was closed.
    let cause: Error | undefined;
    probe.on('error', (error: Error) => (cause ??= error));
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch (error) {
      if (Date.now() - reportedAt >= reportEveryMs) {
        reportedAt = Date.now();
        onWaiting((cause ?? (error as Error)).message ?? String(error));
      }
    } finally {
      probe.disconnect();
    }
    if (signal?.aborted) throw new Error('stopped while waiting for Redis');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * What every process does before it touches Redis: `waitForRedis`, logging each wait as `waiting for Redis` with
 * the URL (password redacted) and the cause.
 */
export function waitForRedisLogged(
  url: string,
  logger: { warn(fields: object, message: string): void },
): Promise<void> {
  return waitForRedis(url, (reason) =>
    logger.warn({ redis: redactedRedisUrl(url), reason }, 'waiting for Redis'),
  );
}
