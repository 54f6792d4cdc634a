import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { NULL_STACK, placementDecider, serviceId as serviceIdOf } from '@libs/domain';
import { AggregateCommandHandler, streamName } from '@libs/eventstore';
import { containerName } from '@libs/queues';
import {
  AgentDataKeys,
  crossIndexes,
  GridDoc,
  gridIndexes,
  NodeDoc,
  NodeStatsSample,
  ReadModelReader,
  ServiceInstanceDoc,
} from '@libs/read-model';
import type { PlacedContainer } from '@libs/scheduler';
import type { DeployView, NodeView, PlanInput, PlanSettings, StackDeployView } from '../plan/plan-types';
import { DeployProgress, deployProgressFold } from '../state/deploy-progress';
import { activeService, desiredServiceFold } from '../state/desired-service';
import { stackDeployProgressFold, stackDeployRequestsFold } from '../state/stack-deploys';

const MAX_REMEMBERED_DEPLOYS = 100_000;

/**
 * Builds a pass's input (docs/reconciliation.md, "State the reconciler reads"):
 *
 * - **folded from streams** (authoritative, and the expected revisions of what the pass appends): the
 *   service, its placement, its deploys and the stack deploy they belong to. A pass must never start a
 *   deploy twice or place an instance from a stale view, and the cache makes a fold read only what is new;
 * - **from read models and heartbeats** (eventual consistency is fine): the grid's nodes and what runs on
 *   them, the grid's default affinity, when the service's secrets last changed. Kontena scheduled from the
 *   same kind of snapshot, and the next pass sees whatever a lag hid from this one.
 */
export class StateLoader {
  /** Deploys known to be finished (terminal, so safe to remember): not folded again on every pass. */
  private readonly finished = new Map<string, 'success' | 'error'>();
  private readonly snapshots = new Map<
    string,
    { at: number; reader: ReadModelReader; views: Promise<NodeView[]> }
  >();

  constructor(
    private readonly streams: AggregateCommandHandler,
    private readonly reader: () => ReadModelReader,
    private readonly redis: Redis,
    private readonly agentData: AgentDataKeys,
    private readonly settings: PlanSettings,
    private readonly nodeSnapshotMs = 0,
  ) {}

  async load(serviceId: string, now: number): Promise<PlanInput> {
    const [desired, placement] = await Promise.all([
      this.streams.load(streamName('service', serviceId), desiredServiceFold),
      this.streams.load(streamName('placement', serviceId), placementDecider),
    ]);
    const { grid, stack } = this.locate(serviceId, desired);

    const deploys: DeployView[] = [];
    let lastFinished: PlanInput['lastFinishedDeploy'] = null;
    for (const request of desired.deployRequests) {
      const known = this.finished.get(request.deploy_id);
      if (known) {
        lastFinished = { deploy_id: request.deploy_id, state: known };
        continue;
      }
      const progress = await this.deploy(request.deploy_id);
      if (progress.finished) lastFinished = { deploy_id: request.deploy_id, state: progress.finished.state };
      else deploys.push({ request, progress });
    }

    const current = deploys[0]?.request.stack_deploy_id;
    const stackDeploy = current ? await this.stackDeploy(grid, stack, current) : null;

    const reader = this.reader();
    const service = activeService(desired);
    const [nodes, gridDoc, secretsChangedMs] = await Promise.all([
      this.nodes(reader, grid, serviceId, service ? this.needsContainers(service) : false),
      reader.doc<GridDoc>('grid', grid),
      this.secretsChanged(reader, grid, service?.secrets.map((s) => s.secret) ?? []),
    ]);
    return {
      serviceId,
      now,
      desired,
      placement,
      deploys,
      stackDeploy,
      nodes,
      secretsChangedMs,
      lastFinishedDeploy: lastFinished,
      defaultAffinity: gridDoc?.default_affinity ?? [],
      freshDeployId: randomUUID(),
      settings: this.settings,
    };
  }

  private async deploy(deployId: string): Promise<DeployProgress> {
    const progress = await this.streams.load(streamName('deploy', deployId), deployProgressFold);
    if (progress.finished) {
      this.finished.set(deployId, progress.finished.state);
      // Bounded: forgetting one only costs a fold of that deploy's stream on the next pass.
      if (this.finished.size > MAX_REMEMBERED_DEPLOYS)
        this.finished.delete(this.finished.keys().next().value as string);
    }
    return progress;
  }

  private locate(serviceId: string, desired: PlanInput['desired']): { grid: string; stack: string } {
    const service = activeService(desired);
    if (service) return { grid: service.grid, stack: service.stack };
    const [grid, stack] = serviceId.split('/');
    return { grid, stack: stack ?? NULL_STACK };
  }

  private async stackDeploy(grid: string, stack: string, id: string): Promise<StackDeployView> {
    const [requests, progress] = await Promise.all([
      this.streams.load(streamName('stack', `${grid}/${stack}`), stackDeployRequestsFold),
      this.streams.load(streamName('stackdeploy', id), stackDeployProgressFold),
    ]);
    const request = requests.requests.get(id);
    if (!request) return { id, members: null, progress };
    const members = await Promise.all(
      request.service_deploys.map(async (member) => ({
        service: serviceIdOf(grid, stack, member.service),
        deploy_id: member.deploy_id,
        progress: await this.deploy(member.deploy_id),
      })),
    );
    return { id, members, progress };
  }

  /** Other services' instances matter only to port, container/service affinity and dependency filters. */
  private needsContainers(service: NonNullable<ReturnType<typeof activeService>>): boolean {
    return (
      service.ports.some((p) => p.node_port > 0) ||
      service.affinity.some((a) => /^(container|service)/.test(a)) ||
      service.volumes_from.length > 0 ||
      service.net.startsWith('container:')
    );
  }

  private async nodes(
    reader: ReadModelReader,
    grid: string,
    serviceId: string,
    containers: boolean,
  ): Promise<NodeView[]> {
    const views = await this.gridNodes(reader, grid);
    if (!containers) return views;
    return Promise.all(
      views.map(async (view) => ({
        ...view,
        containers: await this.containersOn(reader, view.id, serviceId),
      })),
    );
  }

  /**
   * The grid's nodes as every pass of the grid sees them for `nodeSnapshotMs`: with hundreds of nodes, reading
   * and parsing each node's document, heartbeat and stats on every pass of every service cost more than the
   * pass itself. A snapshot that old is no staler than the read models may be anyway; concurrent passes share
   * one read.
   */
  private gridNodes(reader: ReadModelReader, grid: string): Promise<NodeView[]> {
    const now = Date.now();
    const cached = this.snapshots.get(grid);
    if (cached && cached.reader === reader && now - cached.at < this.nodeSnapshotMs) return cached.views;
    const views = this.readNodes(reader, grid);
    this.snapshots.set(grid, { at: now, reader, views });
    views.catch(() => this.snapshots.delete(grid));
    return views;
  }

  private async readNodes(reader: ReadModelReader, grid: string): Promise<NodeView[]> {
    const names = await reader.ids(gridIndexes.nodes(grid));
    const ids = names.map((name) => `${grid}/${name}`);
    const docs = await reader.docs<NodeDoc>('node', ids);
    if (docs.length === 0) return [];
    const heartbeats = await this.redis.hmget(this.agentData.heartbeats, ...docs.map((d) => d.id));
    const stats = await this.redis.mget(...docs.map((d) => this.agentData.nodeStats(d.id)));
    return docs.map((doc, i) => {
      const beat = heartbeats[i] === null ? null : Number(heartbeats[i]);
      const connectedAt = doc.connected_at ? Date.parse(doc.connected_at) : null;
      const sample = stats[i] ? (JSON.parse(stats[i]!) as NodeStatsSample) : null;
      return {
        id: doc.id,
        name: doc.name,
        nodeNumber: doc.node_number,
        labels: doc.labels,
        availability: doc.availability,
        connected: doc.connected,
        // The agent's heartbeat (Kontena's `last_seen_at`), or when it connected if it has not beaten yet.
        lastSeenMs: beat === null && connectedAt === null ? null : Math.max(beat ?? 0, connectedAt ?? 0),
        cpus: doc.cpus,
        memory:
          doc.mem_total !== null
            ? {
                total: doc.mem_total,
                used: sample?.memory.used ?? 0,
                cached: sample?.memory.cached ?? 0,
                buffers: sample?.memory.buffers ?? 0,
              }
            : null,
        volumeDrivers: doc.volume_drivers.map((d) => d.name),
        containers: [],
      } satisfies NodeView;
    });
  }

  private async containersOn(
    reader: ReadModelReader,
    nodeId: string,
    serviceId: string,
  ): Promise<PlacedContainer[]> {
    const ids = (await reader.ids(crossIndexes.nodeInstances(nodeId))).filter(
      (id) => !id.startsWith(`${serviceId}/`),
    );
    const docs = await reader.docs<ServiceInstanceDoc>('instance', ids);
    return docs.map((doc) => {
      const [, stack, service] = doc.service_id.split('/');
      return {
        serviceId: doc.service_id,
        stack,
        service,
        instanceNumber: doc.instance_number,
        name: doc.name || containerName({ stack, name: service }, doc.instance_number),
        nodePorts: doc.node_ports,
      };
    });
  }

  /** The latest change of the secrets the service reads (secret documents' `updated_at`). */
  private async secretsChanged(
    reader: ReadModelReader,
    grid: string,
    names: string[],
  ): Promise<number | null> {
    if (names.length === 0) return null;
    const docs = await reader.docs<{ updated_at?: string }>(
      'secret',
      names.map((n) => `${grid}/${n}`),
    );
    const times = docs.map((d) => Date.parse(d.updated_at ?? '')).filter((t) => Number.isFinite(t));
    return times.length ? Math.max(...times) : null;
  }
}
