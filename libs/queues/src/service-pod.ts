import { NULL_STACK, ServiceVolume } from '@libs/domain';
import type { ServiceDoc } from '@libs/read-model';
import type { InstanceAssignment, ServicePod } from './agent-jobs';

/** Kontena's container name: `<stack>.<service>-<n>`, or `<service>-<n>` in the `null` stack. */
export function containerName(service: Pick<ServiceDoc, 'stack' | 'name'>, instanceNumber: number): string {
  return service.stack === NULL_STACK ? `${service.name}-${instanceNumber}` : `${service.stack}.${service.name}-${instanceNumber}`;
}

/** `<grid>/<stack>/<service>/<n>`: an instance's id, the same wherever it runs. */
export function instanceId(serviceId: string, instanceNumber: number): string {
  return `${serviceId}/${instanceNumber}`;
}

function volumeDefinition(volume: ServiceVolume): string {
  const source = volume.bind_mount ?? volume.volume;
  return [source, volume.path, volume.flags].filter((part): part is string => !!part).join(':');
}

/**
 * The service pod an agent runs for one instance (kontena-behaviour.md §7 "Service pod payload"), built the
 * same way for pushed jobs and for the agent's periodic pull. Secrets are references only: the agent
 * fetches their values over the api with its node token when it starts the instance (DESIGN.md §6).
 */
export function servicePod(service: ServiceDoc, instanceNumber: number, deployRev: string): ServicePod {
  const health = service.health_check;
  return {
    service_id: service.id,
    service_name: service.stack === NULL_STACK ? service.name : `${service.stack}.${service.name}`,
    service_revision: service.revision,
    instance_number: instanceNumber,
    image_name: service.image,
    cmd: service.cmd,
    entrypoint: service.entrypoint,
    env: service.env,
    secrets: service.secrets.map(({ secret, name, type }) => ({ secret, name, type })),
    ports: service.ports.map(({ ip, protocol, node_port, container_port }) => ({ ip, protocol, node_port, container_port })),
    hostname: `${service.name}-${instanceNumber}`,
    user: service.user,
    memory: service.memory,
    memory_swap: service.memory_swap,
    cpus: service.cpus,
    cpu_shares: service.cpu_shares,
    stop_signal: service.stop_signal,
    stop_grace_period: service.stop_grace_period,
    health_check:
      health?.protocol && health.port
        ? { protocol: health.protocol, port: health.port, uri: health.uri, interval: health.interval, timeout: health.timeout, initial_delay: health.initial_delay }
        : null,
    wait_for_port: service.deploy_opts.wait_for_port,
    volumes: service.volumes.map(volumeDefinition),
    net: service.net,
    labels: {
      'io.kontena.container.name': containerName(service, instanceNumber),
      'io.kontena.container.type': 'container',
      'io.kontena.grid.name': service.grid,
      'io.kontena.stack.name': service.stack,
      'io.kontena.service.id': service.id,
      'io.kontena.service.name': service.name,
      'io.kontena.service.instance_number': String(instanceNumber),
      'io.kontena.service.revision': String(service.revision),
      'io.kontena.container.deploy_rev': deployRev,
    },
  };
}

/** What the reconciler sends (and the pull endpoint answers) for one instance on one node. */
export function instanceAssignment(service: ServiceDoc, instanceNumber: number, deployRev: string, desiredState: 'running' | 'stopped'): InstanceAssignment {
  return {
    instanceId: instanceId(service.id, instanceNumber),
    serviceId: service.id,
    instanceNumber,
    deployRev,
    desiredState,
    pod: servicePod(service, instanceNumber, deployRev),
  };
}
