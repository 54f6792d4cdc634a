import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/http/request-context';
import { ConfigChanges } from '../config-changes';

export class ClearConfigCommand extends Command<void> {
  constructor(readonly ctx: RequestContext) {
    super();
  }
}

/** DELETE /v1/config: removes every key (Kontena audits it as `destroy_all`). */
@CommandHandler(ClearConfigCommand)
export class ClearConfigHandler implements ICommandHandler<ClearConfigCommand> {
  constructor(private readonly changes: ConfigChanges) {}

  execute({ ctx }: ClearConfigCommand): Promise<void> {
    return this.changes.clear(ctx);
  }
}
