import { Injectable } from '@nestjs/common';
import {
  ErrorHash,
  nameLengthError,
  orderServicesByLinks,
  serviceDecider,
  ServiceChanges,
  ServiceDefinition,
  serviceId,
  serviceName,
  StackServiceInput,
  StackVolume,
  updateErrors,
  ValidationFailed,
} from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { crossIndexes, ServiceDoc } from '@libs/read-model';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { dtoErrors, toDto } from '../../common/validation/field';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { CreateServiceDto } from '../../services/create-service/create-service.dto';
import { ServiceReferences, volumeResolverOf } from '../../services/service-definition/service-references';
import { UpdateServiceDto } from '../../services/update-service/update-service.dto';

/**
 * Runs commands on the services' streams for a stack request without changing the `ETag` its answer
 * carries: that is the stack's revision (for If-Match on the stack), never a service's.
 */
export async function onServiceStreams<T>(ctx: RequestContext, run: () => Promise<T>): Promise<T> {
  const revision = ctx.outcome?.revision;
  try {
    return await run();
  } finally {
    ctx.outcome = { ...ctx.outcome, revision };
  }
}

/** What applying a stack file does to one of its services. */
export type ServicePlan =
  | { kind: 'create'; name: string; definition: ServiceDefinition }
  | { kind: 'update'; name: string; changes: ServiceChanges };

export type StackServicesPlan = { order: StackServiceInput[]; plans: ServicePlan[] } | { errors: ErrorHash };

/**
 * A stack's services: validating the services of a stack file (`Stacks::Create/Update#validate`), and
 * applying them to the services' own streams. Errors are keyed by service name, for Kontena's nested
 * `{"services":{"api":{"links":…}}}` (kontena-behaviour.md §2).
 */
@Injectable()
export class StackServices {
  constructor(
    private readonly references: ServiceReferences,
    private readonly readModels: ReadModels,
    private readonly executor: CommandExecutor,
  ) {}

  /** The stack's services now, in creation order. */
  async current(grid: string, stack: string): Promise<ServiceDoc[]> {
    const reader = this.readModels.reader;
    return reader.docs<ServiceDoc>('service', await reader.ids(crossIndexes.stackServices(grid, stack)));
  }

  /**
   * Orders the services by their links (missing or recursive links refuse the whole file), then checks each
   * as a create (new to the stack) or an update (an existing service). Links within the stack are checked by
   * the ordering; links to other stacks against the read models.
   */
  async plan(
    grid: string,
    stack: string,
    services: StackServiceInput[],
    volumes: StackVolume[],
    existing: readonly ServiceDoc[],
  ): Promise<StackServicesPlan> {
    const ordered = orderServicesByLinks(services);
    if ('error' in ordered) return { errors: { [ordered.error.service]: { links: ordered.error.message } } };
    const byName = new Map(existing.map((doc) => [doc.name, doc]));
    const resolveVolume = volumeResolverOf(volumes);
    const errors: ErrorHash = {};
    const plans: ServicePlan[] = [];
    const seen = new Set<string>();

    for (const [index, raw] of ordered.order.entries()) {
      const name = serviceName(raw);
      // A service hash without a name is reported by its position (Kontena filed it under `services` itself).
      const key = name ?? String(index);
      // A stack's services belong to it; `stack` in a service hash names no other.
      const { stack: _ignored, ...input } = raw;
      const current = name !== undefined ? byName.get(name) : undefined;
      const outcome = current
        ? await this.checkUpdate(grid, stack, input, current, resolveVolume)
        : await this.checkCreate(grid, stack, input, resolveVolume);
      if ('errors' in outcome) errors[key] = outcome.errors;
      else if (seen.has(outcome.plan.name)) errors[key] = { name: 'is already taken' };
      else plans.push(outcome.plan);
      if (name !== undefined) seen.add(name);
    }
    return Object.keys(errors).length ? { errors } : { order: ordered.order, plans };
  }

  private async checkCreate(
    grid: string,
    stack: string,
    input: Record<string, unknown>,
    resolveVolume: (name: string) => string,
  ): Promise<{ plan: ServicePlan } | { errors: ErrorHash }> {
    const dto = toDto(CreateServiceDto, input);
    const errors = dtoErrors(dto) ?? (await this.references.errors(grid, stack, dto, false));
    if (errors) return { errors };
    const definition = dto.definition(stack, resolveVolume);
    const tooLong = nameLengthError(grid, stack, dto.name, definition.instances);
    if (tooLong) return { errors: { name: tooLong } };
    return { plan: { kind: 'create', name: dto.name, definition } };
  }

  private async checkUpdate(
    grid: string,
    stack: string,
    input: Record<string, unknown>,
    current: ServiceDoc,
    resolveVolume: (name: string) => string,
  ): Promise<{ plan: ServicePlan } | { errors: ErrorHash }> {
    const dto = toDto(UpdateServiceDto, input);
    const errors = dtoErrors(dto) ?? (await this.references.errors(grid, stack, dto, false));
    if (errors) return { errors };
    const changes = dto.changes(stack, resolveVolume);
    const refused = updateErrors(current, changes);
    return refused ? { errors: refused } : { plan: { kind: 'update', name: current.name, changes } };
  }

  /**
   * Applies the plans in link order, each in its own stream. Failures (a service changed in the meantime)
   * do not stop the others, as in Kontena; they are answered together at the end. Every step is safe to
   * repeat, so a retry after a crash completes what was left.
   */
  async apply(
    ctx: RequestContext,
    grid: string,
    stack: string,
    plans: readonly ServicePlan[],
    stackRevision?: number,
  ): Promise<void> {
    const failures: ErrorHash = {};
    const revision = stackRevision === undefined ? {} : { stack_revision: stackRevision };
    await onServiceStreams(ctx, async () => {
      for (const plan of plans) {
        const stream = streamName('service', serviceId(grid, stack, plan.name));
        try {
          if (plan.kind === 'create') {
            await this.executor.execute(ctx, stream, serviceDecider, {
              type: 'CreateService',
              data: { grid, stack, name: plan.name, definition: plan.definition, ...revision },
            });
          } else {
            await this.executor.execute(ctx, stream, serviceDecider, {
              type: 'UpdateService',
              data: { changes: plan.changes, force: false, ...revision },
            });
          }
        } catch (error) {
          if (!(error instanceof DomainException && error.error instanceof ValidationFailed)) throw error;
          failures[plan.name] = error.error.errors;
        }
      }
    });
    if (Object.keys(failures).length) throw new DomainException(new ValidationFailed({ services: failures }));
  }

  /**
   * Services that cannot go because a service staying behind links to them (`GridServices::Delete`), keyed
   * `<name>.service`. Links among the services going together do not count.
   */
  async removalErrors(removing: readonly ServiceDoc[]): Promise<ErrorHash | undefined> {
    const errors: ErrorHash = {};
    for (const doc of removing) {
      const linkers = await this.linkersOutside(doc, removing);
      if (linkers.length)
        errors[doc.name] = {
          service: `Cannot delete service that is linked to another service (${linkers.map((s) => s.name).join(', ')})`,
        };
    }
    return Object.keys(errors).length ? errors : undefined;
  }

  /** Removes services, those that link to others first (`StackRemoveWorker`: reverse link order). */
  async remove(ctx: RequestContext, stack: string, removing: readonly ServiceDoc[]): Promise<void> {
    await onServiceStreams(ctx, async () => {
      for (const doc of reverseLinkOrder(stack, removing)) {
        const linkers = await this.linkersOutside(doc, removing);
        await this.executor.execute(ctx, streamName('service', doc.id), serviceDecider, {
          type: 'RemoveService',
          data: { linked_from: linkers.map((s) => s.name) },
        });
      }
    });
  }

  private async linkersOutside(doc: ServiceDoc, group: readonly ServiceDoc[]): Promise<ServiceDoc[]> {
    const reader = this.readModels.reader;
    const ids = new Set(group.map((s) => s.id));
    const linkers = await reader.docs<ServiceDoc>(
      'service',
      await reader.ids(crossIndexes.serviceLinkedFrom(doc.id)),
    );
    return linkers.filter((s) => !ids.has(s.id));
  }
}

/** Existing services, dependents first; services linked into a cycle (only possible one update at a time) keep their order. */
export function reverseLinkOrder(stack: string, services: readonly ServiceDoc[]): ServiceDoc[] {
  const names = new Set(services.map((s) => s.name));
  const inputs = services.map((doc) => ({
    name: doc.name,
    doc,
    links: doc.links
      .filter((l) => l.name.startsWith(`${stack}/`) && names.has(l.name.slice(stack.length + 1)))
      .map((l) => ({ name: l.name.slice(stack.length + 1) })),
  }));
  const ordered = orderServicesByLinks(inputs);
  return ('order' in ordered ? ordered.order : inputs).map((i) => i.doc).reverse();
}
