import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import {
  nullStackRefusal,
  serviceDecider,
  serviceId,
  serviceName,
  stackDecider,
  ValidationFailed,
} from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { DeployDoc, ServiceDoc, StackDeployDoc } from '@libs/read-model';
import { DomainException } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { StackServices } from '../stack-definition/stack-services';
import { deployAfter, serviceAfter } from '../../services/service-doc';
import { stackDeployAfter } from '../stack-doc';
import { StackLookup } from '../stack-lookup';

export interface StackDeployAnswer {
  deploy: StackDeployDoc;
  /** The service deploys and their services as the command left them (the read model may lag). */
  deploys: DeployDoc[];
  services: ServiceDoc[];
}

export class DeployStackCommand extends Command<StackDeployAnswer> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly name: string,
  ) {
    super();
  }
}

/**
 * POST /v1/stacks/:grid/:stack/deploy (`Stacks::Deploy` + `StackDeployWorker`, kontena-behaviour.md §5):
 * applies the latest revision to the services (update existing, create new, remove the ones it dropped),
 * requests a deploy of each in link order, and records the stack deploy in state `created` listing them.
 * The reconciler runs the service deploys one after another.
 *
 * Not atomic across streams, so the order matters: service changes (safe to repeat), removals (skipped once
 * done), service deploy requests, and last the stack deploy. A crash before the last step leaves service
 * deploys that run as plain deploys; deploying the stack again records a complete stack deploy.
 */
@CommandHandler(DeployStackCommand)
export class DeployStackHandler implements ICommandHandler<DeployStackCommand> {
  constructor(
    private readonly lookup: StackLookup,
    private readonly services: StackServices,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, name }: DeployStackCommand): Promise<StackDeployAnswer> {
    const { stack } = await this.lookup.findOwn(
      ctx.user,
      grid,
      name,
      () => new DomainException(nullStackRefusal('deploy')),
    );
    if (stack.removing) throw new DomainException(ValidationFailed.of('stack', 'Stack is being removed'));

    const current = await this.services.current(grid, name);
    const planned = await this.services.plan(grid, name, stack.services, stack.volumes, current);
    const dropped = current.filter((doc) => !stack.services.some((s) => serviceName(s) === doc.name));
    const serviceErrors = {
      ...('errors' in planned ? planned.errors : {}),
      ...(await this.services.removalErrors(dropped)),
    };
    if (Object.keys(serviceErrors).length || 'errors' in planned)
      throw new DomainException(new ValidationFailed({ services: serviceErrors }));

    await this.services.apply(ctx, grid, name, planned.plans, stack.revision);
    await this.services.remove(ctx, name, dropped);

    const stackDeployId = randomUUID();
    const serviceDeploys: { service: string; deploy_id: string }[] = [];
    const known: { deploys: DeployDoc[]; services: ServiceDoc[] } = { deploys: [], services: [] };
    for (const plan of planned.plans) {
      const deployId = randomUUID();
      const id = serviceId(grid, name, plan.name);
      const outcome = await this.executor.execute(ctx, streamName('service', id), serviceDecider, {
        type: 'DeployService',
        data: { deploy_id: deployId, force: false, stack_deploy_id: stackDeployId },
      });
      serviceDeploys.push({ service: plan.name, deploy_id: deployId });
      known.deploys.push(await deployAfter(this.readModels, id, outcome, ctx.now));
      known.services.push(await serviceAfter(this.readModels, id, outcome, ctx.now));
    }
    const outcome = await this.executor.execute(ctx, streamName('stack', stack.id), stackDecider, {
      type: 'DeployStack',
      data: {
        stack_deploy_id: stackDeployId,
        service_deploys: serviceDeploys,
        removed_services: dropped.map((d) => d.name),
      },
    });
    return { deploy: await stackDeployAfter(this.readModels, stack.id, outcome, ctx.now), ...known };
  }
}
