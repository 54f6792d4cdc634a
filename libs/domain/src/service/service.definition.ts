/**
 * What a service is: the template its instances are deployed from. Attribute names follow Kontena's
 * service JSON (`views/v1/grid_services/_grid_service.json.jbuilder`: `image`, `instances`, …), so the
 * read model is a near copy of what the API answers.
 */

/** The `null` stack holds services created outside any stack (`POST /v1/grids/:grid/services`). */
export const NULL_STACK = 'null';

/** `GridServiceScheduler::STRATEGIES` (kontena-behaviour.md §2, §4). */
export const SERVICE_STRATEGIES = ['ha', 'daemon', 'random'] as const;
export type ServiceStrategy = (typeof SERVICE_STRATEGIES)[number];

/** Desired state: `initialized` until the first deploy or start, then `running` or `stopped`. */
export type ServiceRunState = 'initialized' | 'running' | 'stopped';

export interface ServicePort {
  ip: string;
  protocol: string;
  node_port: number;
  container_port: number;
}

/** `name` is always `<stack>/<service>` (a bare name is qualified with the linking service's stack). */
export interface ServiceLink {
  name: string;
  alias: string;
}

export interface ServiceSecret {
  secret: string;
  name: string;
  type: 'env';
}

export interface ServiceCertificate {
  subject: string;
  name: string;
  type: 'env';
}

export interface ServiceDeployOpts {
  wait_for_port: number | null;
  min_health: number | null;
  interval: number | null;
}

export type HookType = 'pre_start' | 'post_start' | 'pre_stop';

export interface ServiceHook {
  type: HookType;
  name: string;
  cmd: string;
  /** Instance numbers as strings, or `*` (Kontena splits the request's comma list). */
  instances: string[];
  oneshot: boolean;
}

export interface ServiceHealthCheck {
  protocol: 'http' | 'tcp' | null;
  port: number | null;
  uri: string;
  timeout: number;
  interval: number;
  initial_delay: number;
}

/**
 * A parsed volume definition (`app/helpers/volumes_helpers.rb`): a bind mount (`/host:/ctr`), a named
 * volume (`name:/ctr`, `volume` is the *grid* volume it resolves to) or an anonymous volume (`/ctr`).
 */
export interface ServiceVolume {
  bind_mount: string | null;
  volume: string | null;
  path: string;
  flags: string | null;
}

export interface ServiceDefinition {
  image: string;
  /** Immutable after create (kontena-behaviour.md §2). */
  stateful: boolean;
  strategy: ServiceStrategy;
  instances: number;
  user: string | null;
  cmd: string[] | null;
  entrypoint: string | null;
  env: string[];
  secrets: ServiceSecret[];
  certificates: ServiceCertificate[];
  ports: ServicePort[];
  links: ServiceLink[];
  /** The service's own rules; when empty the grid's `default_affinity` applies (read time, as Kontena). */
  affinity: string[];
  deploy_opts: ServiceDeployOpts;
  volumes: ServiceVolume[];
  volumes_from: string[];
  cpus: number | null;
  cpu_shares: number | null;
  memory: number | null;
  memory_swap: number | null;
  shm_size: number | null;
  privileged: boolean | null;
  read_only: boolean;
  cap_add: string[];
  cap_drop: string[];
  devices: string[];
  net: string;
  log_driver: string | null;
  log_opts: Record<string, string>;
  pid: string | null;
  hooks: ServiceHook[];
  health_check: ServiceHealthCheck | null;
  stop_signal: string | null;
  /** Seconds. */
  stop_grace_period: number;
}

/** What an update may change: everything but `stateful` (and the name, which is the stream). */
export type ServiceChanges = Partial<Omit<ServiceDefinition, 'stateful'>>;

/** The model defaults of `app/models/grid_service.rb` and its embedded documents (kontena-behaviour.md §2). */
export const SERVICE_DEFAULTS: Omit<ServiceDefinition, 'image' | 'stateful'> = {
  strategy: 'ha',
  instances: 1,
  user: null,
  cmd: null,
  entrypoint: null,
  env: [],
  secrets: [],
  certificates: [],
  ports: [],
  links: [],
  affinity: [],
  deploy_opts: { wait_for_port: null, min_health: 0.8, interval: null },
  volumes: [],
  volumes_from: [],
  cpus: null,
  cpu_shares: null,
  memory: null,
  memory_swap: null,
  shm_size: null,
  privileged: null,
  read_only: false,
  cap_add: [],
  cap_drop: [],
  devices: [],
  net: 'bridge',
  log_driver: null,
  log_opts: {},
  pid: null,
  hooks: [],
  health_check: null,
  stop_signal: null,
  stop_grace_period: 10,
};

/** `<grid>/<stack>/<name>`: the service's public id and its stream id. */
export function serviceId(grid: string, stack: string, name: string): string {
  return `${grid}/${stack}/${name}`;
}
