import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { tokenDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { RequestContext } from '../../../common/http/request-context';
import { CommandExecutor } from '../../../platform/command-executor';
import { OwnedToken } from '../owned-token';

export class RevokeTokenCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly idOrToken: string,
  ) {
    super();
  }
}

/** DELETE /oauth2/tokens/:id: the token stops working at once (its look-ups leave the read models). */
@CommandHandler(RevokeTokenCommand)
export class RevokeTokenHandler implements ICommandHandler<RevokeTokenCommand> {
  constructor(
    private readonly tokens: OwnedToken,
    private readonly executor: CommandExecutor,
  ) {}

  async execute({ ctx, idOrToken }: RevokeTokenCommand): Promise<void> {
    const { doc } = await this.tokens.find(ctx.user, idOrToken);
    await this.executor.execute(ctx, streamName('token', doc.id), tokenDecider, { type: 'RevokeAccessToken', data: { reason: 'deleted' } });
  }
}
