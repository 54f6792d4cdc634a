import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { serviceDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ServiceLookup } from '../service-lookup';

export type EnvChange = { kind: 'add'; env: string } | { kind: 'remove'; key: string };

export class ChangeServiceEnvCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly stack: string,
    readonly name: string,
    readonly change: EnvChange,
  ) {
    super();
  }
}

/** POST …/envs sets one variable, DELETE …/envs/:key drops one; either moves the revision when it changes env. */
@CommandHandler(ChangeServiceEnvCommand)
export class ChangeServiceEnvHandler implements ICommandHandler<ChangeServiceEnvCommand> {
  constructor(
    private readonly lookup: ServiceLookup,
    private readonly executor: CommandExecutor,
  ) {}

  async execute({ ctx, grid, stack, name, change }: ChangeServiceEnvCommand): Promise<void> {
    const { service } = await this.lookup.find(ctx.user, grid, stack, name);
    await this.executor.execute(
      ctx,
      streamName('service', service.id),
      serviceDecider,
      change.kind === 'add'
        ? { type: 'AddServiceEnv', data: { env: change.env } }
        : { type: 'RemoveServiceEnv', data: { key: change.key } },
    );
  }
}
