import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { gridDecider, NotFound } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { GridDoc, UserDoc } from '@libs/read-model';
import { GridAccess } from '../../../common/auth/grid-access';
import { DomainException } from '../../../common/http/errors';
import type { RequestContext } from '../../../common/http/request-context';
import { CommandExecutor } from '../../../platform/command-executor';
import { ReadModels } from '../../../platform/read-models';

export class AssignGridUserCommand extends Command<GridDoc> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly email: string | null | undefined,
  ) {
    super();
  }
}

/** POST /v1/grids/:grid/users (user_admin or the grid's grid_admin; kontena-behaviour.md §1). */
@CommandHandler(AssignGridUserCommand)
export class AssignGridUserHandler implements ICommandHandler<AssignGridUserCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, grid, email }: AssignGridUserCommand): Promise<GridDoc> {
    await this.access.usersAdmin(ctx.user, grid);
    const user = email ? await this.readModels.reader.doc<UserDoc>('user', email) : undefined;
    if (!user) throw new DomainException(new NotFound('User not found'));
    await this.executor.execute(ctx, streamName('grid', grid), gridDecider, {
      type: 'AssignGridUser',
      data: { email: user.email },
    });
    return (await this.readModels.reader.doc<GridDoc>('grid', grid))!;
  }
}
