import type { HealthStatus } from '../runtime';

/**
 * The health check's verdict over consecutive probes. Kontena's agent restarted a container on the first
 * failed probe (agent `workers/container_health_check_worker.rb`); one slow answer then restarts a busy
 * service, so we restart after `threshold` consecutive failures (default 3, as Docker and Kubernetes) and
 * keep 1 available for Kontena's behaviour.
 */
export interface HealthVerdict {
  /** Null until the first probe after a start has answered. */
  status: HealthStatus | null;
  /** Consecutive failed probes. */
  failures: number;
}

export interface ProbeResult {
  ok: boolean;
  /** `HTTP 200`, `open`, `connection refused`, `timed out after 2 s`… */
  detail: string;
}

export interface HealthStep {
  verdict: HealthVerdict;
  /** The status differs from before: report it. */
  changed: boolean;
  /** Failed past the threshold: restart the instance (and start over from `initialHealth`). */
  restart: boolean;
}

export const initialHealth: HealthVerdict = { status: null, failures: 0 };

export function nextHealth(verdict: HealthVerdict, probe: ProbeResult, threshold: number): HealthStep {
  if (probe.ok) {
    return {
      verdict: { status: 'healthy', failures: 0 },
      changed: verdict.status !== 'healthy',
      restart: false,
    };
  }
  const failures = verdict.failures + 1;
  if (failures < Math.max(1, threshold)) {
    return { verdict: { status: verdict.status, failures }, changed: false, restart: false };
  }
  return {
    verdict: { status: 'unhealthy', failures },
    changed: verdict.status !== 'unhealthy',
    restart: true,
  };
}
