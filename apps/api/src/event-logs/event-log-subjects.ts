import { Injectable } from '@nestjs/common';
import { NotFound, NULL_STACK, serviceId } from '@libs/domain';
import { EventLogEntry, nodeLookups } from '@libs/read-model';
import { GridAccess } from '../common/auth/grid-access';
import { DomainException } from '../common/http/errors';
import type { Principal } from '../common/http/request-context';
import { ReadModels } from '../platform/read-models';
import { about, EntryFilter } from './event-log-query';
import type { LogEntry, LogRef } from './event-log.view';

/** The log a route reads, and which of its entries belong to the route. */
export interface LogSubject<T extends LogEntry = EventLogEntry> {
  log: LogRef;
  only?: EntryFilter<T>;
}

/**
 * The log behind each event-log route, after the route's checks: grid membership first (404 missing, 403 no
 * access, `load_grid`), then the stack, service or node, 404 when it does not exist (with Kontena's bodies:
 * `{}` for a stack, `{"error":"Not found"}` otherwise).
 */
@Injectable()
export class EventLogSubjects {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
  ) {}

  async grid(user: Principal, grid: string): Promise<LogSubject> {
    await this.access.member(user, grid);
    return { log: { kind: 'grid', id: grid } };
  }

  /**
   * The `null` stack (stack-less services) has no log of its own; its entries are the grid's entries about
   * it, which is what Kontena's null stack, a real stack, showed.
   */
  async stack(user: Principal, grid: string, stack: string): Promise<LogSubject> {
    await this.access.member(user, grid);
    const id = `${grid}/${stack}`;
    if (stack === NULL_STACK) return { log: { kind: 'grid', id: grid }, only: about('stack', new Set([id])) };
    if (!(await this.readModels.reader.doc('stack', id)))
      throw new DomainException(new NotFound('Not found', {}));
    return { log: { kind: 'stack', id } };
  }

  async service(user: Principal, grid: string, stack: string, service: string): Promise<LogSubject> {
    await this.access.member(user, grid);
    const id = serviceId(grid, stack, service);
    if (!(await this.readModels.reader.doc('service', id))) throw new DomainException(new NotFound());
    return { log: { kind: 'service', id } };
  }

  /** `:node` is the node's name, or its agent node id when it contains `:` (as the node routes take it). */
  async node(user: Principal, grid: string, node: string): Promise<LogSubject> {
    await this.access.member(user, grid);
    const reader = this.readModels.reader;
    const id = node.includes(':') ? await reader.lookup(nodeLookups.agentNodeId, node) : `${grid}/${node}`;
    if (!id?.startsWith(`${grid}/`) || !(await reader.doc('node', id)))
      throw new DomainException(new NotFound());
    return { log: { kind: 'node', id } };
  }
}
