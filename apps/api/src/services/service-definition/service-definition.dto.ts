import {
  DURATION_PATTERN,
  durationSeconds,
  ENV_MAX_LENGTH,
  ENV_PATTERN,
  ErrorHash,
  HookType,
  NET_PATTERN,
  parseVolume,
  qualifyLink,
  SERVICE_STRATEGIES,
  ServiceChanges,
  ServiceHealthCheck,
  ServiceHook,
  ServiceStrategy,
  ServiceVolume,
  STOP_SIGNAL_PATTERN,
} from '@libs/domain';
import { Field } from '../../common/validation/field';

/** Nested inputs of `grid_services/common.rb#common_validations` (kontena-behaviour.md §2). */
export class ServiceSecretDto {
  @Field({
    type: 'string',
    required: true,
    description: 'Secret name in the grid vault',
    example: 'REDIS_PASSWORD',
  })
  secret!: string;
  @Field({
    type: 'string',
    required: true,
    description: 'Environment variable it is exposed as',
    example: 'PASSWORD',
  })
  name!: string;
}

export class ServiceCertificateDto {
  @Field({ type: 'string', required: true, example: 'www.example.com' }) subject!: string;
  @Field({ type: 'string', required: true, example: 'SSL_CERTS' }) name!: string;
}

/** No range or protocol checks, as in Kontena. */
export class ServicePortDto {
  @Field({ type: 'string', description: 'Default 0.0.0.0' }) ip?: string;
  @Field({ type: 'string', description: 'Default tcp' }) protocol?: string;
  @Field({ type: 'integer', required: true, example: 8080 }) node_port!: number;
  @Field({ type: 'integer', required: true, example: 80 }) container_port!: number;
}

export class ServiceLinkDto {
  @Field({
    type: 'string',
    required: true,
    description: '`service` within the stack, or `stack/service`',
    example: 'redis',
  })
  name!: string;
  @Field({ type: 'string', required: true, example: 'redis' }) alias!: string;
}

export class DeployOptsDto {
  @Field({
    type: 'integer',
    nils: true,
    description: 'Wait until this port answers before an instance counts as started',
  })
  wait_for_port?: number | null;
  @Field({
    type: 'float',
    nils: true,
    description: 'Share of instances that must stay up during a deploy (default 0.8)',
  })
  min_health?: number | null;
  @Field({ type: 'integer', nils: true, description: 'Redeploy every this many seconds' }) interval?:
    number | null;
}

export class HookDto {
  @Field({ type: 'string', required: true }) name!: string;
  @Field({ type: 'string', required: true }) cmd!: string;
  @Field({
    type: 'string',
    required: true,
    description: '`*` or a comma list of instance numbers',
    example: '*',
  })
  instances!: string;
  @Field({ type: 'boolean', description: 'Run once in the service lifetime (default false)' })
  oneshot?: boolean;
}

export class HooksDto {
  @Field({ type: 'array', of: HookDto }) pre_start?: HookDto[];
  @Field({ type: 'array', of: HookDto }) post_start?: HookDto[];
  @Field({ type: 'array', of: HookDto }) pre_stop?: HookDto[];
}

export class HealthCheckDto {
  @Field({ type: 'integer', required: true, nils: true, min: 1, max: 65535 }) port!: number | null;
  @Field({ type: 'string', required: true, nils: true, in: ['http', 'tcp'] }) protocol!:
    'http' | 'tcp' | null;
  @Field({ type: 'string', description: 'Default /' }) uri?: string;
  @Field({ type: 'integer', description: 'Default 10' }) timeout?: number;
  @Field({ type: 'integer', description: 'Default 60' }) interval?: number;
  @Field({ type: 'integer', description: 'Default 10' }) initial_delay?: number;
}

/** How a definition's named volumes resolve to grid volumes (a stack maps its names to external volumes). */
export type VolumeResolver = (name: string) => string;

/**
 * The attributes both create and update accept (`common_validations`). Instances are `instances`, or the
 * deprecated `container_count`.
 */
export class ServiceDefinitionDto {
  @Field({ type: 'string', description: 'ha (default), daemon or random', example: 'ha' }) strategy?: string;
  // Kontena had no minimum; a negative instance count means nothing, so it is refused.
  @Field({ type: 'integer', min: 0, example: 2 }) instances?: number;
  @Field({ type: 'integer', min: 0, description: 'Deprecated: use instances' }) container_count?: number;
  @Field({ type: 'string' }) user?: string;
  @Field({ type: 'array', of: { type: 'string' }, example: ['redis-server', '--appendonly', 'yes'] })
  cmd?: string[];
  @Field({ type: 'string' }) entrypoint?: string;
  @Field({
    type: 'array',
    of: { type: 'string', matches: ENV_PATTERN, maxLength: ENV_MAX_LENGTH },
    example: ['FOO=bar'],
  })
  env?: string[];
  @Field({ type: 'array', of: ServiceSecretDto }) secrets?: ServiceSecretDto[];
  @Field({ type: 'array', of: ServiceCertificateDto }) certificates?: ServiceCertificateDto[];
  @Field({ type: 'array', of: ServicePortDto }) ports?: ServicePortDto[];
  @Field({ type: 'array', of: ServiceLinkDto }) links?: ServiceLinkDto[];
  @Field({
    type: 'array',
    of: { type: 'string' },
    description: 'Scheduling rules; checked when scheduling',
    example: ['label==az=a'],
  })
  affinity?: string[];
  @Field({ type: 'hash', schema: DeployOptsDto }) deploy_opts?: DeployOptsDto;
  @Field({ type: 'array', of: { type: 'string' }, example: ['/data', 'vol:/var/lib', '/host:/ctr:ro'] })
  volumes?: string[];
  @Field({ type: 'array', of: { type: 'string' } }) volumes_from?: string[];
  @Field({ type: 'float', example: 1.5 }) cpus?: number;
  @Field({ type: 'integer', min: 0, max: 1024 }) cpu_shares?: number;
  @Field({ type: 'integer', description: 'Bytes' }) memory?: number;
  @Field({ type: 'integer', description: 'Bytes' }) memory_swap?: number;
  @Field({ type: 'integer', description: 'Bytes' }) shm_size?: number;
  @Field({ type: 'boolean' }) privileged?: boolean;
  @Field({ type: 'array', of: { type: 'string' } }) cap_add?: string[];
  @Field({ type: 'array', of: { type: 'string' } }) cap_drop?: string[];
  @Field({ type: 'string', matches: NET_PATTERN, description: 'bridge (default), host or container:<name>' })
  net?: string;
  @Field({ type: 'hash', values: 'string' }) log_opts?: Record<string, string>;
  @Field({ type: 'string' }) log_driver?: string;
  @Field({ type: 'array', of: { type: 'string' } }) devices?: string[];
  @Field({ type: 'string', in: ['host'] }) pid?: string;
  @Field({ type: 'boolean' }) read_only?: boolean;
  @Field({ type: 'hash', schema: HooksDto }) hooks?: HooksDto;
  @Field({ type: 'hash', schema: HealthCheckDto }) health_check?: HealthCheckDto;
  @Field({ type: 'string', matches: STOP_SIGNAL_PATTERN, example: 'SIGQUIT' }) stop_signal?: string;
  @Field({ type: 'string', matches: DURATION_PATTERN, example: '1m30s' }) stop_grace_period?: string;

  /** The rules of `grid_services/{create,update}.rb#validate` that need nothing but the input. */
  validate(): ErrorHash | undefined {
    const errors: ErrorHash = {};
    if (this.strategy !== undefined && !(SERVICE_STRATEGIES as readonly string[]).includes(this.strategy))
      errors.strategy = 'Strategy not supported';
    if (this.health_check && (this.health_check.interval ?? 60) < (this.health_check.timeout ?? 10)) {
      errors.health_check = 'Interval has to be bigger than timeout';
    }
    // `validate_each`: only the failing elements, no placeholders.
    const volumeErrors = (this.volumes ?? [])
      .map(parseVolume)
      .flatMap((v) => ('error' in v ? [v.error] : []));
    if (volumeErrors.length) errors.volumes = volumeErrors;
    return Object.keys(errors).length ? errors : undefined;
  }

  /** The given attributes as the domain records them; `stack` qualifies bare link names. */
  changes(stack: string, resolveVolume: VolumeResolver = (name) => name): ServiceChanges {
    const instances = this.instances ?? this.container_count;
    const changes: ServiceChanges = {
      strategy: this.strategy as ServiceStrategy | undefined,
      instances,
      user: this.user,
      cmd: this.cmd,
      entrypoint: this.entrypoint,
      env: this.env,
      secrets: this.secrets?.map((s) => ({ secret: s.secret, name: s.name, type: 'env' as const })),
      certificates: this.certificates?.map((c) => ({
        subject: c.subject,
        name: c.name,
        type: 'env' as const,
      })),
      ports: this.ports?.map((p) => ({
        ip: p.ip ?? '0.0.0.0',
        protocol: p.protocol ?? 'tcp',
        node_port: p.node_port,
        container_port: p.container_port,
      })),
      links: this.links?.map((l) => ({ name: qualifyLink(l.name, stack).name, alias: l.alias })),
      affinity: this.affinity,
      deploy_opts: this.deploy_opts && {
        wait_for_port: this.deploy_opts.wait_for_port ?? null,
        // An embedded document built from the hash: unset keys take the model's defaults.
        min_health: this.deploy_opts.min_health === undefined ? 0.8 : this.deploy_opts.min_health,
        interval: this.deploy_opts.interval ?? null,
      },
      volumes: this.volumes?.map((definition) => resolvedVolume(definition, resolveVolume)),
      volumes_from: this.volumes_from,
      cpus: this.cpus,
      cpu_shares: this.cpu_shares,
      memory: this.memory,
      memory_swap: this.memory_swap,
      shm_size: this.shm_size,
      privileged: this.privileged,
      read_only: this.read_only,
      cap_add: this.cap_add,
      cap_drop: this.cap_drop,
      devices: this.devices,
      net: this.net,
      log_driver: this.log_driver,
      log_opts: this.log_opts,
      pid: this.pid,
      hooks: this.hooks && hooksOf(this.hooks),
      health_check: this.health_check && healthCheckOf(this.health_check),
      stop_signal: this.stop_signal,
      stop_grace_period:
        this.stop_grace_period === undefined ? undefined : durationSeconds(this.stop_grace_period),
    };
    return Object.fromEntries(
      Object.entries(changes).filter(([, value]) => value !== undefined),
    ) as ServiceChanges;
  }
}

function resolvedVolume(definition: string, resolveVolume: VolumeResolver): ServiceVolume {
  const volume = parseVolume(definition);
  if ('error' in volume) throw new Error(volume.error); // validate() refused it already
  return volume.volume ? { ...volume, volume: resolveVolume(volume.volume) } : volume;
}

/** `build_grid_service_hooks`: one list, in the order the request gives the hook types. */
function hooksOf(hooks: HooksDto): ServiceHook[] {
  return (Object.keys(hooks) as HookType[]).flatMap((type) =>
    (hooks[type] ?? []).map((hook) => ({
      type,
      name: hook.name,
      cmd: hook.cmd,
      instances: hook.instances.split(','),
      oneshot: hook.oneshot ?? false,
    })),
  );
}

function healthCheckOf(check: HealthCheckDto): ServiceHealthCheck {
  return {
    protocol: check.protocol,
    port: check.port,
    uri: check.uri ?? '/',
    timeout: check.timeout ?? 10,
    interval: check.interval ?? 60,
    initial_delay: check.initial_delay ?? 10,
  };
}
