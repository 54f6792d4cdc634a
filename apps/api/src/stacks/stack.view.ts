import { Injectable } from '@nestjs/common';
import { NULL_STACK } from '@libs/domain';
import {
  crossIndexes,
  DeployDoc,
  GridDoc,
  ServiceDoc,
  StackDeployDoc,
  StackDoc,
  stackIndexes,
} from '@libs/read-model';
import { ReadModels } from '../platform/read-models';
import { ServiceView } from '../services/service.view';

/** A deploy that started more than this long ago and never finished no longer counts (`GridServiceDeploy::TIMEOUT`). */
const DEPLOY_TIMEOUT_MS = 30 * 60_000;

export type StackState = 'initialized' | 'deploying' | 'stopped' | 'running' | 'partially_running';

/** Kontena's stack JSON (`views/v1/stacks/_stack.json.jbuilder`) and stack deploy JSON. */
@Injectable()
export class StackView {
  constructor(
    private readonly readModels: ReadModels,
    private readonly services: ServiceView,
  ) {}

  async render(stack: StackDoc, grid: GridDoc, now: Date): Promise<Record<string, unknown>> {
    const reader = this.readModels.reader;
    const [services, children, parent] = await Promise.all([
      this.stackServices(grid.name, stack.name),
      reader.ids(stackIndexes.children(grid.name, stack.name)),
      stack.parent_name ? reader.doc<StackDoc>('stack', `${grid.name}/${stack.parent_name}`) : undefined,
    ]);
    return {
      id: stack.id,
      name: stack.name,
      state: await this.state(services, now),
      created_at: stack.created_at,
      updated_at: stack.updated_at,
      stack: stack.stack,
      registry: stack.registry,
      version: stack.version,
      revision: stack.revision,
      expose: stack.expose,
      source: stack.source,
      variables: stack.variables,
      labels: stack.labels,
      services: await this.services.renderAll(services, grid),
      metadata: stack.metadata,
      // A parent that was removed keeps its name, without an id.
      parent: stack.parent_name ? { id: parent ? parent.id : null, name: stack.parent_name } : null,
      children: children.map((name) => ({ id: `${grid.name}/${name}`, name })),
      // Not in Kontena's view; the public API reference shows a stack's volumes.
      volumes: stack.volumes,
    };
  }

  /**
   * The `null` stack has no revision: Kontena rendered it with a blank one (`stack_revisions.build`), the
   * grid's stack-less services and the grid's creation time.
   */
  async renderNull(grid: GridDoc, now: Date): Promise<Record<string, unknown>> {
    const services = await this.stackServices(grid.name, NULL_STACK);
    return {
      id: `${grid.name}/${NULL_STACK}`,
      name: NULL_STACK,
      state: await this.state(services, now),
      created_at: grid.created_at,
      updated_at: null,
      stack: null,
      registry: null,
      version: null,
      revision: 1,
      expose: null,
      source: null,
      variables: {},
      labels: [],
      services: await this.services.renderAll(services, grid),
      metadata: {},
      parent: null,
      children: [],
      volumes: [],
    };
  }

  /** `known`: service deploys and services a command just wrote, which the read model may not show yet. */
  async renderDeploy(
    deploy: StackDeployDoc,
    known?: { deploys: DeployDoc[]; services: ServiceDoc[] },
  ): Promise<Record<string, unknown>> {
    const reader = this.readModels.reader;
    const deploys = known?.deploys ?? (await reader.deploys(deploy.service_deploys));
    const services =
      known?.services ??
      (await reader.docs<ServiceDoc>('service', [...new Set(deploys.map((d) => d.service_id))]));
    const byId = new Map(services.map((s) => [s.id, s]));
    return {
      id: deploy.id,
      stack_id: deploy.stack_id,
      created_at: deploy.created_at,
      state: deploy.state,
      service_deploys: deploys.map((d) => this.services.renderDeploy(d, byId.get(d.service_id))),
    };
  }

  async stackServices(grid: string, stack: string): Promise<ServiceDoc[]> {
    const reader = this.readModels.reader;
    return reader.docs<ServiceDoc>('service', await reader.ids(crossIndexes.stackServices(grid, stack)));
  }

  /** `Stack#state`, from its services' desired states and unfinished deploys. */
  async state(services: readonly ServiceDoc[], now: Date): Promise<StackState> {
    if (services.every((s) => s.state === 'initialized')) return 'initialized';
    if (await this.anyDeploying(services, now)) return 'deploying';
    if (services.every((s) => s.state === 'stopped')) return 'stopped';
    if (services.every((s) => s.state === 'running')) return 'running';
    return 'partially_running';
  }

  private async anyDeploying(services: readonly ServiceDoc[], now: Date): Promise<boolean> {
    const unfinished = await this.readModels.reader.idsOfEach(
      services.map((s) => crossIndexes.serviceUnfinishedDeploys(s.id)),
    );
    // Service documents projected before the index existed list their deploys themselves; a rebuild
    // (`npm run projector:rebuild`) moves them to the index. Finished ones among them are told apart below.
    const legacy = services.flatMap((s) => (s as { unfinished_deploys?: string[] }).unfinished_deploys ?? []);
    const ids = [...new Set([...legacy, ...unfinished.flat()])];
    if (ids.length === 0) return false;
    const deploys = await this.readModels.reader.deploys(ids);
    // Waiting deploys always count; started ones until they time out.
    return deploys.some(
      (d) =>
        d.state === 'created' ||
        (d.state === 'ongoing' &&
          d.started_at !== null &&
          now.getTime() - Date.parse(d.started_at) < DEPLOY_TIMEOUT_MS),
    );
  }
}
