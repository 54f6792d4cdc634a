import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { serviceDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { DeployDoc, ServiceDoc } from '@libs/read-model';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { deployAfter, serviceAfter } from '../service-doc';
import { ServiceLookup } from '../service-lookup';

export type DeployRequest = { kind: 'deploy'; force: boolean } | { kind: 'scale'; instances: number };

export class RequestServiceDeployCommand extends Command<{ deploy: DeployDoc; service: ServiceDoc }> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly stack: string,
    readonly name: string,
    readonly request: DeployRequest,
  ) {
    super();
  }
}

/**
 * POST …/deploy and …/scale: records a deploy in state `created` and answers with it at once; the
 * reconciler runs it (kontena-behaviour.md §5). Scale sets the instance count first, without a new revision.
 */
@CommandHandler(RequestServiceDeployCommand)
export class RequestServiceDeployHandler implements ICommandHandler<RequestServiceDeployCommand> {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({
    ctx,
    grid,
    stack,
    name,
    request,
  }: RequestServiceDeployCommand): Promise<{ deploy: DeployDoc; service: ServiceDoc }> {
    const { service } = await this.lookup.find(ctx.user, grid, stack, name);
    const deployId = randomUUID();
    const outcome = await this.executor.execute(
      ctx,
      streamName('service', service.id),
      serviceDecider,
      request.kind === 'scale'
        ? { type: 'ScaleService', data: { instances: request.instances, deploy_id: deployId } }
        : {
            type: 'DeployService',
            data: { deploy_id: deployId, force: request.force, stack_deploy_id: null },
          },
    );
    const [deploy, updated] = await Promise.all([
      deployAfter(this.readModels, service.id, outcome, ctx.now),
      serviceAfter(this.readModels, service.id, outcome, ctx.now),
    ]);
    return { deploy, service: updated };
  }
}
