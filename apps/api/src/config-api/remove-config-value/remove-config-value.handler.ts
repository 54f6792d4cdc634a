import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RequestContext } from '../../common/http/request-context';
import { ConfigChanges } from '../config-changes';

export class RemoveConfigValueCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly key: string,
  ) {
    super();
  }
}

/** DELETE /v1/config/:key: 201 whether or not the key existed, as Kontena's `Configuration.put(key, nil)`. */
@CommandHandler(RemoveConfigValueCommand)
export class RemoveConfigValueHandler implements ICommandHandler<RemoveConfigValueCommand> {
  constructor(private readonly changes: ConfigChanges) {}

  execute({ ctx, key }: RemoveConfigValueCommand): Promise<void> {
    return this.changes.remove(ctx, key);
  }
}
