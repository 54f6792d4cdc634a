/**
 * What the reconciler asks of an agent. A job carries the *desired* state of one instance, never secret
 * values: the agent fetches an instance's secrets over the API with its node token when it starts it
 * (DESIGN.md §6).
 */

export interface PodPort {
  ip: string;
  protocol: string;
  node_port?: number | null;
  container_port: number;
}

export interface PodHealthCheck {
  protocol: 'http' | 'tcp';
  port: number;
  uri?: string | null;
  interval: number;
  timeout: number;
  initial_delay: number;
}

/** A reference to a grid secret exposed to the instance as `name` (kontena-behaviour.md §7 `secrets`). */
export interface PodSecretRef {
  secret: string;
  name: string;
  type: 'env';
}

/** Kontena's service pod (kontena-behaviour.md §7 "Service pod payload"), the fields our runtimes use. */
export interface ServicePod {
  service_id: string;
  service_name: string;
  service_revision: number;
  instance_number: number;
  image_name: string;
  cmd: string[] | null;
  entrypoint: string | null;
  env: string[];
  secrets: PodSecretRef[];
  ports: PodPort[];
  hostname: string;
  user: string | null;
  memory: number | null;
  memory_swap: number | null;
  cpus: number | null;
  cpu_shares: number | null;
  stop_signal: string | null;
  stop_grace_period: number;
  health_check: PodHealthCheck | null;
  wait_for_port: number | null;
  volumes: string[];
  net: string;
  labels: Record<string, string>;
}

export interface InstanceAssignment {
  /** `<grid>/<stack>/<service>/<n>`: one instance per id, wherever it runs. */
  instanceId: string;
  serviceId: string;
  instanceNumber: number;
  /** The deploy that placed this instance (Kontena's `deploy_rev`); a newer one replaces the instance. */
  deployRev: string;
  desiredState: 'running' | 'stopped';
  pod: ServicePod;
}

export type AgentJob =
  | { kind: 'ensure-instance'; assignment: InstanceAssignment }
  | { kind: 'remove-instance'; instanceId: string; deployRev: string; reason: string }
  | { kind: 'restart-instance'; instanceId: string; requestId: string };
