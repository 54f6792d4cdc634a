import { Injectable } from '@nestjs/common';
import { qualifiedServiceName, stackDomain, volumeToString } from '@libs/domain';
import { DeployDoc, GridDoc, ServiceDoc, serviceIndexes, ServiceInstanceDoc } from '@libs/read-model';
import { ReadModels } from '../platform/read-models';

type GridContext = Pick<GridDoc, 'name' | 'default_affinity'>;

/** Kontena's service JSON (`views/v1/grid_services/_grid_service.json.jbuilder`) rendered from the read model. */
@Injectable()
export class ServiceView {
  constructor(private readonly readModels: ReadModels) {}

  async render(doc: ServiceDoc, grid: GridContext): Promise<Record<string, unknown>> {
    const instances = await this.instances(doc.id);
    const running = instances.filter((i) => i.state === 'running').length;
    const hasHealthCheck = Boolean(doc.health_check?.protocol);
    return {
      id: doc.id,
      created_at: doc.created_at,
      updated_at: doc.updated_at,
      image: doc.image,
      // `GridService#affinity`: the grid's default affinity stands in for an empty one.
      affinity: doc.affinity.length ? doc.affinity : grid.default_affinity,
      name: doc.name,
      stateful: doc.stateful,
      user: doc.user,
      instances: doc.instances,
      cmd: doc.cmd,
      entrypoint: doc.entrypoint,
      net: doc.net,
      dns: `${doc.name}.${stackDomain(grid.name, doc.stack)}`,
      ports: doc.ports,
      env: doc.env,
      secrets: doc.secrets.map(({ secret, name, type }) => ({ secret, name, type })),
      memory: doc.memory,
      memory_swap: doc.memory_swap,
      shm_size: doc.shm_size,
      cpus: doc.cpus,
      cpu_shares: doc.cpu_shares,
      volumes: doc.volumes.map(volumeToString),
      volumes_from: doc.volumes_from,
      cap_add: doc.cap_add,
      cap_drop: doc.cap_drop,
      // Kontena's view leaves these two out; they are part of what instances run with, so they are shown.
      privileged: doc.privileged,
      devices: doc.devices,
      state: doc.state,
      grid: { id: doc.grid },
      stack: { id: `${doc.grid}/${doc.stack}`, name: doc.stack },
      links: doc.links.map((link) => {
        const [stack, service] = link.name.split('/');
        return {
          id: `${doc.grid}/${link.name}`,
          alias: link.alias,
          name: qualifiedServiceName(stack, service),
        };
      }),
      log_driver: doc.log_driver,
      log_opts: doc.log_opts,
      strategy: doc.strategy,
      deploy_opts: doc.deploy_opts,
      pid: doc.pid,
      read_only: doc.read_only,
      instance_counts: { total: instances.length, running },
      hooks: doc.hooks.map(({ name, type, cmd, oneshot }) => ({ name, type, cmd, oneshot })),
      revision: doc.revision,
      stack_revision: doc.stack_revision,
      // Only a health check with a protocol is one (Kontena omits both keys otherwise).
      ...(hasHealthCheck
        ? {
            health_check: doc.health_check,
            health_status: {
              healthy: instances.filter((i) => i.health_status === 'healthy').length,
              unhealthy: instances.filter((i) => i.health_status === 'unhealthy').length,
              total: instances.length,
            },
          }
        : {}),
      stop_signal: doc.stop_signal,
      stop_grace_period: doc.stop_grace_period,
      certificates: doc.certificates.map(({ subject, name, type }) => ({ subject, name, type })),
    };
  }

  renderAll(docs: readonly ServiceDoc[], grid: GridContext): Promise<Record<string, unknown>[]> {
    return Promise.all(docs.map((doc) => this.render(doc, grid)));
  }

  /** Kontena's deploy JSON (`views/v1/grid_service_deploys/_grid_service_deploy`). */
  renderDeploy(
    deploy: DeployDoc,
    service: Pick<ServiceDoc, 'instances'> | undefined,
  ): Record<string, unknown> {
    return {
      id: deploy.id,
      created_at: deploy.created_at,
      queued_at: deploy.queued_at,
      started_at: deploy.started_at,
      finished_at: deploy.finished_at,
      service_id: deploy.service_id,
      state: deploy.state,
      reason: deploy.reason,
      // The service's instance count now, as Kontena shows it.
      instance_count: service?.instances ?? null,
      instance_deploys: deploy.instance_deploys.map(({ instance_number, node, state, error }) => ({
        instance_number,
        node,
        state,
        error,
      })),
    };
  }

  /** The reconciler's instances of a service (empty until it runs them). */
  async instances(serviceId: string): Promise<ServiceInstanceDoc[]> {
    const reader = this.readModels.reader;
    return reader.docs<ServiceInstanceDoc>('instance', await reader.ids(serviceIndexes.instances(serviceId)));
  }

  /** Kontena's instance JSON (`views/v1/grid_service_instances/_grid_service_instance`). */
  renderInstance(instance: ServiceInstanceDoc): Record<string, unknown> {
    return {
      // Instance numbers identify instances within a service, and fit in a URL path segment.
      id: String(instance.instance_number),
      created_at: instance.created_at,
      updated_at: instance.updated_at,
      instance_number: instance.instance_number,
      desired_state: instance.desired_state,
      state: instance.state,
      deploy_rev: instance.deploy_rev,
      rev: instance.rev,
      error: instance.error,
      node: instance.node ?? {},
    };
  }
}
