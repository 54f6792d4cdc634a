import { Injectable } from '@nestjs/common';
import { containerName } from '@libs/queues';
import { InstanceStatsSample, parseRunningMember, RUNNING_WINDOW_MS } from '@libs/read-model';
import { AgentData } from '../agent-data';

/** A container that runs, with its latest sample when there is one. */
export interface RunningContainer {
  instanceId: string;
  /** Kontena's container name. */
  name: string;
  sample: InstanceStatsSample | undefined;
}

/** `<stack>.<service>-<n>` from an instance id, for a container whose sample has expired. */
function nameOf(instanceId: string): string {
  const [, stack, service, n] = instanceId.split('/');
  return containerName({ stack, name: service }, Number(n));
}

/**
 * The containers of a grid, node or service that run: the instances their nodes reported in the last
 * `RUNNING_WINDOW_MS` (each node's latest report lists all it runs), with their latest samples. Kontena
 * listed its running containers with their latest `ContainerStat`.
 */
@Injectable()
export class RunningContainers {
  constructor(private readonly agentData: AgentData) {}

  async of(scope: 'grid' | 'node' | 'service', id: string, now: Date): Promise<RunningContainer[]> {
    const { redis, keys } = this.agentData;
    const members = await redis.zrangebyscore(
      keys.runningInstances(scope, id),
      now.getTime() - RUNNING_WINDOW_MS,
      '+inf',
    );
    // An instance that just moved is briefly reported by two nodes: one container.
    const instanceIds = [...new Set(members.map((member) => parseRunningMember(member).instanceId))];
    if (!instanceIds.length) return [];
    const raws = await redis.mget(instanceIds.map((instanceId) => keys.instanceStats(instanceId)));
    return instanceIds.map((instanceId, i) => {
      const sample = raws[i] ? (JSON.parse(raws[i]!) as InstanceStatsSample) : undefined;
      return { instanceId, name: sample?.name ?? nameOf(instanceId), sample };
    });
  }
}
