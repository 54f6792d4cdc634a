import { Injectable } from '@nestjs/common';
import { NULL_STACK } from '@libs/domain';
import type { ContainerLogEntry, ContainerLogScope } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import type { Principal } from '../../common/http/request-context';
import type { LogSubject } from '../../event-logs/event-log-subjects';
import { ServiceLookup } from '../../services/service-lookup';
import { StackLookup } from '../../stacks/stack-lookup';
import { AgentData } from '../agent-data';

/**
 * The stream behind each container-log route, after the route's checks (grid membership 404/403, then the
 * stack or service 404, with Kontena's bodies). Each scope has its own stream, written once per line by the
 * telemetry worker, so a route never filters a wider log to find its lines.
 */
@Injectable()
export class ContainerLogSubjects {
  constructor(
    private readonly access: GridAccess,
    private readonly stacks: StackLookup,
    private readonly services: ServiceLookup,
    private readonly agentData: AgentData,
  ) {}

  async grid(user: Principal, grid: string): Promise<LogSubject<ContainerLogEntry>> {
    await this.access.member(user, grid);
    return this.subject('grid', grid);
  }

  /** The `null` stack is a stack here too: its stream holds the lines of the grid's stack-less services. */
  async stack(user: Principal, grid: string, stack: string): Promise<LogSubject<ContainerLogEntry>> {
    const found = await this.stacks.find(user, grid, stack);
    return this.subject('stack', `${grid}/${found.stack?.name ?? NULL_STACK}`);
  }

  async service(
    user: Principal,
    grid: string,
    stack: string,
    name: string,
  ): Promise<LogSubject<ContainerLogEntry>> {
    const { service } = await this.services.find(user, grid, stack, name);
    return this.subject('service', service.id);
  }

  /** The lines of the service a container belongs to, for a caller the container route already checked. */
  ofService(serviceId: string): LogSubject<ContainerLogEntry> {
    return this.subject('service', serviceId);
  }

  private subject(scope: ContainerLogScope, id: string): LogSubject<ContainerLogEntry> {
    return { log: { kind: scope, id, stream: this.agentData.keys.containerLogs(scope, id) } };
  }
}
