import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { UserDoc } from '@libs/read-model';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { existingUser } from '../existing-user';

export class AddUserRoleCommand extends Command<UserDoc> {
  constructor(
    readonly ctx: RequestContext,
    readonly email: string,
    readonly role: string,
  ) {
    super();
  }
}

@CommandHandler(AddUserRoleCommand)
export class AddUserRoleHandler implements ICommandHandler<AddUserRoleCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, email, role }: AddUserRoleCommand): Promise<UserDoc> {
    await existingUser(this.readModels.reader, email);
    await this.executor.execute(ctx, streamName('user', email), userDecider, { type: 'AddUserRole', data: { role } }, { pinToIfMatch: true });
    return existingUser(this.readModels.reader, email);
  }
}
