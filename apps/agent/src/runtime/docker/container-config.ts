import type { ContainerCreateOptions, ContainerInspectInfo } from 'dockerode';
import { normalizeSignal, specFingerprint, stopGraceMs } from '../instance-spec';
import type { InstanceSpec, MappedPort } from '../runtime';
import type { StoredInstance } from '../supervision/driver';

/**
 * Labels on every container this runtime creates. The `io.kontena.container.*`, `service.*` and
 * `health_check.*` ones are Kontena's agent's (`models/service_pod.rb#service_config`); the
 * `io.kontena.instance.*` and `agent.scope` ones are ours, so an agent that restarts finds its instances
 * and knows which spec each one runs without keeping the spec (its env has secrets).
 */
export const LABEL = {
  type: 'io.kontena.container.type',
  name: 'io.kontena.container.name',
  pod: 'io.kontena.container.pod',
  deployRev: 'io.kontena.container.deploy_rev',
  serviceRevision: 'io.kontena.container.service_revision',
  stopGracePeriod: 'io.kontena.container.stop_grace_period',
  instanceNumber: 'io.kontena.service.instance_number',
  instanceId: 'io.kontena.instance.id',
  specHash: 'io.kontena.instance.spec_hash',
  scope: 'io.kontena.agent.scope',
} as const;

/** The Docker Engine create request for a spec, Kontena's way (no restart policy: the agent restarts). */
export function containerCreateOptions(spec: InstanceSpec, scope: string): ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of spec.ports) {
    const key = `${port.container_port}/${port.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({
      HostIp: port.ip ?? '',
      HostPort: port.node_port ? String(port.node_port) : '',
    });
  }
  const labels: Record<string, string> = {
    ...spec.labels,
    [LABEL.type]: 'container',
    [LABEL.name]: spec.name,
    [LABEL.pod]: spec.name,
    [LABEL.deployRev]: spec.deploy_rev,
    [LABEL.serviceRevision]: String(spec.service_revision),
    [LABEL.stopGracePeriod]: String(stopGraceMs(spec) / 1000),
    [LABEL.instanceNumber]: spec.instanceId.split('/').pop()!,
    [LABEL.instanceId]: spec.instanceId,
    [LABEL.specHash]: specFingerprint(spec),
    [LABEL.scope]: scope,
  };
  const check = spec.health_check;
  if (check) {
    labels['io.kontena.health_check.protocol'] = check.protocol;
    labels['io.kontena.health_check.port'] = String(check.port);
    labels['io.kontena.health_check.uri'] = check.uri ?? '/';
    labels['io.kontena.health_check.interval'] = String(check.interval);
    labels['io.kontena.health_check.timeout'] = String(check.timeout);
    labels['io.kontena.health_check.initial_delay'] = String(check.initial_delay);
  }
  const options: ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Env: Object.entries(spec.env).map(([name, value]) => `${name}=${value}`),
    Labels: labels,
    StopSignal: normalizeSignal(spec.stop_signal) ?? 'SIGTERM',
    StopTimeout: Math.ceil(stopGraceMs(spec) / 1000),
    ExposedPorts: exposed,
    HostConfig: {
      PortBindings: bindings,
      RestartPolicy: { Name: 'no' },
      ...(spec.memory ? { Memory: spec.memory } : {}),
      ...(spec.memory_swap ? { MemorySwap: spec.memory_swap } : {}),
      ...(spec.cpu_shares ? { CpuShares: spec.cpu_shares } : {}),
      // Kontena's translation of `cpus` (agent `service_pod.rb#service_host_config`).
      ...(spec.cpus ? { CpuPeriod: 100_000, CpuQuota: Math.round(100_000 * spec.cpus) } : {}),
    },
  };
  if (spec.cmd) options.Cmd = spec.cmd;
  if (spec.entrypoint) options.Entrypoint = spec.entrypoint;
  if (spec.user) options.User = spec.user;
  return options;
}

/** What a container says about the instance it runs, or null when it is not one of ours. */
export function storedFromContainer(info: ContainerInspectInfo): StoredInstance | null {
  const labels = info.Config.Labels ?? {};
  const instanceId = labels[LABEL.instanceId];
  if (!instanceId || !labels[LABEL.specHash]) return null;
  const grace = Number(labels[LABEL.stopGracePeriod]);
  const finished =
    info.State.FinishedAt && !info.State.FinishedAt.startsWith('0001-') ? info.State.FinishedAt : null;
  return {
    instanceId,
    name: info.Name.replace(/^\//, ''),
    spec_hash: labels[LABEL.specHash],
    service_revision: Number(labels[LABEL.serviceRevision] ?? 0),
    deploy_rev: labels[LABEL.deployRev] ?? '',
    ports: publishedPorts(info),
    stop_signal: normalizeSignal((info.Config as { StopSignal?: string }).StopSignal) ?? 'SIGTERM',
    stop_grace_ms: Number.isFinite(grace) ? grace * 1000 : 10_000,
    container_id: info.Id,
    last_exit:
      !info.State.Running && finished
        ? {
            exit_code: info.State.ExitCode,
            signal: null,
            oom_killed: info.State.OOMKilled,
            finished_at: finished,
          }
        : null,
    stopped: false,
  };
}

/** The host ports the engine published, from `NetworkSettings.Ports` (`"8080/tcp": [{HostPort}]`). */
export function publishedPorts(info: Pick<ContainerInspectInfo, 'NetworkSettings'>): MappedPort[] {
  const ports: MappedPort[] = [];
  for (const [key, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
    const [port, protocol] = key.split('/');
    for (const binding of bindings ?? []) {
      const host_port = Number(binding.HostPort);
      if (host_port > 0 && !ports.some((p) => p.host_port === host_port && p.protocol === protocol)) {
        ports.push({ container_port: Number(port), host_port, protocol: protocol === 'udp' ? 'udp' : 'tcp' });
      }
    }
  }
  return ports.sort((a, b) => a.container_port - b.container_port || a.host_port - b.host_port);
}

/** The container's own address on its network (Kontena probed the overlay IP), if it has one. */
export function containerAddress(info: Pick<ContainerInspectInfo, 'NetworkSettings'>): string | null {
  const settings = info.NetworkSettings;
  if (settings?.IPAddress) return settings.IPAddress;
  for (const network of Object.values(settings?.Networks ?? {}))
    if (network.IPAddress) return network.IPAddress;
  return null;
}
