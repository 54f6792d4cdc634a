import { until as untilProbe } from '@libs/testing';

/**
 * `until` for end-to-end probes: they talk HTTP to processes that tests kill and restart on purpose, so a
 * probe that throws (connection refused) is tried again, and its last error is reported at the deadline.
 */
export function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  return untilProbe(what, probe, timeoutMs, { intervalMs, retryErrors: true });
}
