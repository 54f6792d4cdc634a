import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { ConfigValue } from '@libs/domain';
import type { RequestContext } from '../../common/http/request-context';
import { ConfigChanges } from '../config-changes';

export class UpdateConfigCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly values: Record<string, ConfigValue | null>,
  ) {
    super();
  }
}

/** PATCH /v1/config: upserts the given keys; a `null` value removes its key. */
@CommandHandler(UpdateConfigCommand)
export class UpdateConfigHandler implements ICommandHandler<UpdateConfigCommand> {
  constructor(private readonly changes: ConfigChanges) {}

  execute({ ctx, values }: UpdateConfigCommand): Promise<void> {
    return this.changes.set(ctx, values);
  }
}
