import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { UserDoc, userIndexes } from '@libs/read-model';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { existingUser } from '../existing-user';

export class RemoveUserRoleCommand extends Command<UserDoc> {
  constructor(
    readonly ctx: RequestContext,
    readonly email: string,
    readonly role: string,
  ) {
    super();
  }
}

/** DELETE /v1/users/:email/roles/:role (master_admin); never the last master_admin (kontena-behaviour.md §1). */
@CommandHandler(RemoveUserRoleCommand)
export class RemoveUserRoleHandler implements ICommandHandler<RemoveUserRoleCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, email, role }: RemoveUserRoleCommand): Promise<UserDoc> {
    const reader = this.readModels.reader;
    await existingUser(reader, email);
    // Other master_admins live in other streams; the index is the cross-aggregate fact the decider needs.
    const masterAdmins = await reader.ids(userIndexes.masterAdmins);
    const lastMasterAdmin = masterAdmins.length <= 1 && masterAdmins.includes(email);
    await this.executor.execute(ctx, streamName('user', email), userDecider, { type: 'RemoveUserRole', data: { role, lastMasterAdmin } }, { pinToIfMatch: true });
    return existingUser(reader, email);
  }
}
