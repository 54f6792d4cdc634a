import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { gridDecider, NotFound } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { GridDoc, UserDoc } from '@libs/read-model';
import { GridAccess } from '../../../common/auth/grid-access';
import { DomainException } from '../../../common/http/errors';
import type { RequestContext } from '../../../common/http/request-context';
import { CommandExecutor } from '../../../platform/command-executor';
import { ReadModels } from '../../../platform/read-models';

export class UnassignGridUserCommand extends Command<GridDoc> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly email: string,
  ) {
    super();
  }
}

/** DELETE /v1/grids/:grid/users/:email: 422 "Invalid user" / "Cannot remove last user" (kontena-behaviour.md §1). */
@CommandHandler(UnassignGridUserCommand)
export class UnassignGridUserHandler implements ICommandHandler<UnassignGridUserCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, email }: UnassignGridUserCommand): Promise<GridDoc> {
    await this.access.usersAdmin(ctx.user, grid);
    if (!(await this.readModels.reader.doc<UserDoc>('user', email)))
      throw new DomainException(new NotFound('User not found'));
    await this.executor.execute(
      ctx,
      streamName('grid', grid),
      gridDecider,
      { type: 'UnassignGridUser', data: { email } },
      { pinToIfMatch: true },
    );
    return (await this.readModels.reader.doc<GridDoc>('grid', grid))!;
  }
}
