/**
 * How long a crashed instance waits before it is restarted: Kontena's agent waits `restarts²` seconds,
 * capped at its 30 s pod loop, and forgets the count once an instance has stayed up for 10 s
 * (agent `workers/service_pod_worker.rb#on_container_die`). So a crash loop restarts at once, then after
 * 1, 4, 9, 16, 25, 30, 30… seconds.
 */
export interface RestartBackoff {
  /** The square's unit: 1 s in Kontena; tests shrink it. */
  unitMs: number;
  maxMs: number;
  /** Up this long after a start and the count starts over. */
  resetAfterMs: number;
}

export const KONTENA_RESTART_BACKOFF: RestartBackoff = { unitMs: 1_000, maxMs: 30_000, resetAfterMs: 10_000 };

/** The delay before the next restart, given how many restarts happened since the count was last reset. */
export function restartDelay(previousRestarts: number, backoff: RestartBackoff): number {
  if (!Number.isFinite(previousRestarts) || previousRestarts <= 0) return 0;
  return Math.min(previousRestarts * previousRestarts * backoff.unitMs, backoff.maxMs);
}
