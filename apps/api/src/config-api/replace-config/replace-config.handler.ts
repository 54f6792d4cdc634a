import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ConfigValue } from '@libs/domain';
import type { RequestContext } from '../../common/http/request-context';
import { ConfigChanges } from '../config-changes';

export class ReplaceConfigCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly values: Record<string, ConfigValue | null>,
  ) {
    super();
  }
}

/** PUT /v1/config: the configuration becomes exactly the given keys. */
@CommandHandler(ReplaceConfigCommand)
export class ReplaceConfigHandler implements ICommandHandler<ReplaceConfigCommand> {
  constructor(private readonly changes: ConfigChanges) {}

  execute({ ctx, values }: ReplaceConfigCommand): Promise<void> {
    return this.changes.replace(ctx, values);
  }
}
