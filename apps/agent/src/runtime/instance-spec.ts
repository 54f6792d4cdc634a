import { createHash } from 'node:crypto';
import { constants } from 'node:os';
import type { InstanceAssignment } from '@libs/queues';
import type { InstanceSpec } from './runtime';

/** Kontena's limit on one `NAME=value` (the kernel's MAX_ARG_STRLEN; agent `models/service_pod.rb`). */
export const ENV_MAX_BYTES = 32 * 4096;
export const DEFAULT_STOP_SIGNAL = 'SIGTERM';
/** Kontena's default (agent `docker/container.rb#stop_grace_period`). */
export const DEFAULT_STOP_GRACE_SECONDS = 10;

const INSTANCE_ID = /^[^/\s]+\/[^/\s]+\/[^/\s]+\/[1-9][0-9]*$/;
/** Docker's rule for container names; the process runtime uses the name as a directory too. */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const ENV_NAME = /^[^=\0]+$/;

/**
 * The spec for one instance from the reconciler's assignment and the secret values the agent fetched for
 * it (DESIGN.md §6: job data never carries them). Secrets of the same name are joined with a newline, as
 * Kontena's agent did (`ServicePod#build_env`).
 */
export function instanceSpecFromAssignment(
  assignment: InstanceAssignment,
  secretValues: Record<string, string>,
): { ok: true; spec: InstanceSpec } | { ok: false; reason: string } {
  const pod = assignment.pod;
  const env: Record<string, string> = {};
  for (const entry of pod.env) {
    const at = entry.indexOf('=');
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  const fromSecrets: Record<string, string> = {};
  for (const ref of pod.secrets) {
    const value = secretValues[ref.secret];
    if (value === undefined)
      return { ok: false, reason: `secret ${ref.secret} (for env ${ref.name}) was not fetched` };
    fromSecrets[ref.name] = ref.name in fromSecrets ? `${fromSecrets[ref.name]}\n${value}` : value;
  }
  return {
    ok: true,
    spec: {
      instanceId: assignment.instanceId,
      // Kontena's container name: `<service_name>-<n>` where service_name is `stack.svc` or `svc` (§7).
      name: `${pod.service_name}-${pod.instance_number}`,
      service_revision: pod.service_revision,
      deploy_rev: assignment.deployRev,
      image: pod.image_name,
      cmd: pod.cmd,
      entrypoint: pod.entrypoint ? [pod.entrypoint] : null,
      env: { ...env, ...fromSecrets },
      ports: pod.ports.map((p) => ({
        container_port: p.container_port,
        // Node port 0 asks for any free port, as Docker's `-p 0:80` does (the runtime picks and reports it).
        node_port: p.node_port || null,
        protocol: p.protocol === 'udp' ? 'udp' : 'tcp',
        ip: p.ip && p.ip !== '0.0.0.0' ? p.ip : null,
      })),
      stop_signal: pod.stop_signal,
      stop_grace_period: pod.stop_grace_period,
      health_check: pod.health_check,
      wait_for_port: pod.wait_for_port,
      cpus: pod.cpus,
      cpu_shares: pod.cpu_shares,
      memory: pod.memory,
      memory_swap: pod.memory_swap,
      user: pod.user,
      labels: pod.labels,
    },
  };
}

/** `TERM`, `sigterm`, `SIGTERM` → `SIGTERM`; null for something that is not a signal on this platform. */
export function normalizeSignal(signal: string | null | undefined): NodeJS.Signals | null {
  const raw = (signal ?? DEFAULT_STOP_SIGNAL).trim().toUpperCase();
  const name = raw.startsWith('SIG') ? raw : `SIG${raw}`;
  return name in constants.signals ? (name as NodeJS.Signals) : null;
}

export function stopGraceMs(spec: Pick<InstanceSpec, 'stop_grace_period'>): number {
  return (spec.stop_grace_period ?? DEFAULT_STOP_GRACE_SECONDS) * 1000;
}

const isPort = (n: unknown) => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;
const isPositive = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n > 0;
const isNonNegative = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
const isStringArray = (a: unknown) => Array.isArray(a) && a.every((s) => typeof s === 'string');

/**
 * What is wrong with a spec, one sentence per problem; empty when it can run. Messages name fields,
 * never env values (they may be secrets).
 */
export function specProblems(spec: InstanceSpec): string[] {
  const problems: string[] = [];
  const problem = (text: string) => problems.push(text);
  if (typeof spec.instanceId !== 'string' || !INSTANCE_ID.test(spec.instanceId)) {
    problem(
      `instanceId must look like <grid>/<stack>/<service>/<number>, got ${JSON.stringify(spec.instanceId)}`,
    );
  }
  if (typeof spec.name !== 'string' || !CONTAINER_NAME.test(spec.name)) {
    problem(
      `name must be a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 128 characters), got ${JSON.stringify(spec.name)}`,
    );
  }
  if (!Number.isInteger(spec.service_revision) || spec.service_revision < 0)
    problem('service_revision must be a whole number');
  if (typeof spec.deploy_rev !== 'string') problem('deploy_rev must be a string');
  if (typeof spec.image !== 'string') problem('image must be a string');
  if (spec.cmd != null && !isStringArray(spec.cmd)) problem('cmd must be an array of strings');
  if (spec.entrypoint != null && !isStringArray(spec.entrypoint))
    problem('entrypoint must be an array of strings');
  if (spec.env === null || typeof spec.env !== 'object') problem('env must be an object of strings');
  else {
    for (const [name, value] of Object.entries(spec.env)) {
      if (!ENV_NAME.test(name)) problem(`env name ${JSON.stringify(name)} is not a valid variable name`);
      else if (typeof value !== 'string' || value.includes('\0'))
        problem(`env ${name} must be a string without NUL bytes`);
      else if (Buffer.byteLength(name) + 1 + Buffer.byteLength(value) > ENV_MAX_BYTES) {
        problem(`env ${name} is too large (more than ${ENV_MAX_BYTES} bytes)`);
      }
    }
  }
  if (!Array.isArray(spec.ports)) problem('ports must be an array');
  else {
    spec.ports.forEach((port, i) => {
      if (!isPort(port.container_port)) problem(`ports[${i}].container_port must be a port number (1-65535)`);
      if (port.node_port != null && !isPort(port.node_port))
        problem(`ports[${i}].node_port must be a port number (1-65535)`);
      if (port.protocol !== 'tcp' && port.protocol !== 'udp')
        problem(`ports[${i}].protocol must be tcp or udp`);
    });
  }
  if (normalizeSignal(spec.stop_signal) === null)
    problem(`stop_signal ${JSON.stringify(spec.stop_signal)} is not a signal`);
  if (spec.stop_grace_period != null && !isNonNegative(spec.stop_grace_period)) {
    problem('stop_grace_period must be a number of seconds (0 or more)');
  }
  if (spec.wait_for_port != null && !isPort(spec.wait_for_port))
    problem('wait_for_port must be a port number (1-65535)');
  const check = spec.health_check;
  if (check != null) {
    if (check.protocol !== 'tcp' && check.protocol !== 'http')
      problem('health_check.protocol must be tcp or http');
    if (!isPort(check.port)) problem('health_check.port must be a port number (1-65535)');
    if (!isPositive(check.interval)) problem('health_check.interval must be a positive number of seconds');
    if (!isPositive(check.timeout)) problem('health_check.timeout must be a positive number of seconds');
    if (!isNonNegative(check.initial_delay))
      problem('health_check.initial_delay must be a number of seconds (0 or more)');
  }
  for (const field of ['cpus', 'cpu_shares', 'memory', 'memory_swap'] as const) {
    if (spec[field] != null && !isNonNegative(spec[field])) problem(`${field} must be a positive number`);
  }
  if (spec.labels === null || typeof spec.labels !== 'object') problem('labels must be an object of strings');
  return problems;
}

/** Drops nulls and undefined and sorts keys, so equal specs serialise equally whatever their history. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] != null)
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * A digest of everything that makes an instance what it is. It is stored with the instance (state file,
 * container label) so an agent that restarts can tell "already running this" from "needs replacing"
 * without keeping the spec, whose env holds secrets. Whoever can read the digest (the state directory is
 * the agent's, labels need engine access) can read the instance's environment anyway.
 */
export function specFingerprint(spec: InstanceSpec): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(spec)))
    .digest('hex');
}

/** The top-level fields whose values differ (names only: env values may be secrets). */
export function changedFields(before: InstanceSpec, after: InstanceSpec): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof InstanceSpec>;
  return [...keys]
    .filter(
      (k) => JSON.stringify(canonical(before[k] ?? null)) !== JSON.stringify(canonical(after[k] ?? null)),
    )
    .sort();
}
