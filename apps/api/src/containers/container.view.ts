import { volumeToString } from '@libs/domain';
import type { GridDoc, NodeDoc, ServiceDoc, ServiceInstanceDoc } from '@libs/read-model';

/**
 * Kontena's container JSON (`views/v1/containers/_container`), derived at read time from what the read model
 * already holds: a service instance that its node has reported on is that node's container. Deriving rather
 * than projecting a second copy keeps one source of truth (the placement stream) and nothing to rebuild.
 *
 * Differences from Kontena, on purpose:
 * - `container_id` is null: agents identify instances by the deterministic instance id, and a Docker id means
 *   nothing for the `process` and `hollow` runtimes.
 * - `node.grid.token` is null: Kontena embedded the grid token, which lets any machine join the grid, in every
 *   container of every grid member's listing (kontena-behaviour.md "quirks").
 */
export interface ContainerContext {
  grid: Pick<GridDoc, 'name' | 'initial_size'>;
  service: Pick<ServiceDoc, 'id' | 'image' | 'env' | 'volumes' | 'revision'> | undefined;
  node: NodeDoc | undefined;
}

/** An instance is a container once its node has said something about it, until the node removed it. */
export function isContainer(instance: ServiceInstanceDoc): boolean {
  return instance.node !== null && instance.state !== 'initialized' && instance.state !== 'removed';
}

/** Running only, as `GET /v1/containers/:grid` lists without `all`. */
export function isRunningContainer(instance: ServiceInstanceDoc): boolean {
  return isContainer(instance) && instance.state === 'running';
}

/** `<grid>/<node>/<name>`, Kontena's `Container#to_path`, and the path of `GET /v1/containers/…`. */
export function containerPath(grid: string, instance: ServiceInstanceDoc): string {
  return `${grid}/${instance.node?.name ?? ''}/${instance.name}`;
}

export function renderContainer(instance: ServiceInstanceDoc, context: ContainerContext): Record<string, unknown> {
  const { grid, service, node } = context;
  const running = instance.state === 'running';
  return {
    id: containerPath(grid.name, instance),
    name: instance.name,
    container_id: null,
    grid_id: grid.name,
    node: node
      ? {
          id: node.node_id,
          connected: node.connected,
          last_seen_at: node.last_seen_at,
          name: node.name,
          labels: node.labels,
          public_ip: node.public_ip,
          private_ip: node.private_ip,
          node_number: node.node_number,
          grid: { id: grid.name, name: grid.name, token: null, initial_size: grid.initial_size },
        }
      : {},
    service_id: instance.service_id,
    created_at: instance.created_at,
    updated_at: instance.updated_at,
    // The instance document keeps the time of its last change, not of each start and stop.
    started_at: running ? instance.updated_at : null,
    finished_at: running ? null : instance.updated_at,
    deleted_at: null,
    status: instance.state,
    // Docker's `State` object as Kontena stored it, from the agent's last report.
    state: {
      running,
      paused: false,
      restarting: instance.state === 'restarting',
      oom_killed: false,
      dead: instance.state === 'crashed' || instance.state === 'error',
      exit_code: instance.exit_code ?? 0,
      error: instance.error ?? '',
    },
    deploy_rev: instance.rev ?? instance.deploy_rev,
    service_rev: service ? String(service.revision) : null,
    image: service?.image ?? null,
    env: service?.env ?? [],
    volumes: service?.volumes.map(volumeToString) ?? [],
    overlay_cidr: null,
    network_settings: {
      ports: Object.fromEntries(
        instance.ports.map((p) => [
          `${p.container_port}/${p.protocol}`,
          [{ host_ip: '0.0.0.0', host_port: String(p.host_port) }],
        ]),
      ),
    },
    ...(instance.health_status ? { health_status: { status: instance.health_status, updated_at: instance.updated_at } } : {}),
  };
}
