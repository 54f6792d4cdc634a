import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, gridDecider, isDomainError, NotFound, RemoveUser, tokenDecider, userDecider, ValidationFailed } from '@libs/domain';
import { AggregateCommandHandler, streamName } from '@libs/eventstore';
import { userIndexes } from '@libs/read-model';
import { DomainException, HttpProblem } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { isUserAdmin, operationNotAllowed } from '../user-admin';

export class RemoveUserCommand extends Command<void> {
  constructor(
    readonly ctx: RequestContext,
    readonly email: string,
  ) {
    super();
  }
}

/**
 * DELETE /v1/users/:email (user_admin). Kontena destroyed the user with its tokens and grid memberships;
 * here each of those is an event in its own stream. The user goes last, so a removal that fails half-way
 * can simply be retried: until then the user exists and the request still finds it.
 */
@CommandHandler(RemoveUserCommand)
export class RemoveUserHandler implements ICommandHandler<RemoveUserCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly aggregates: AggregateCommandHandler,
    private readonly readModels: ReadModels,
  ) {}

  async execute({ ctx, email }: RemoveUserCommand): Promise<void> {
    if (!isUserAdmin(ctx.user)) throw operationNotAllowed();
    const stream = streamName('user', email);
    const command: RemoveUser = { type: 'RemoveUser', data: { by: ctx.user.email } };
    // Decide once up front, so a refused removal (yourself, the local admin) touches nothing else.
    const refusal = userDecider.decide(command, await this.aggregates.load(stream, userDecider), ctx.decision());
    if (isDomainError(refusal)) throw this.kontenaAnswer(refusal);

    const reader = this.readModels.reader;
    const [grids, tokens] = await Promise.all([reader.ids(userIndexes.grids(email)), reader.ids(userIndexes.tokens(email))]);
    for (const grid of grids) {
      await this.ignoringNotFound(() =>
        this.executor.execute(ctx, streamName('grid', grid), gridDecider, { type: 'UnassignGridUser', data: { email, userRemoved: true } }),
      );
    }
    for (const token of tokens) {
      await this.ignoringNotFound(() =>
        this.executor.execute(ctx, streamName('token', token), tokenDecider, { type: 'RevokeAccessToken', data: { reason: 'user_removed' } }),
      );
    }
    try {
      await this.executor.execute(ctx, stream, userDecider, command);
    } catch (error) {
      throw error instanceof DomainException ? this.kontenaAnswer(error.error) : error;
    }
  }

  /** Kontena answered a refused removal with 400 and its error hash (kontena-behaviour.md §3), a missing user with 404. */
  private kontenaAnswer(error: DomainError): Error {
    if (error instanceof NotFound) return new HttpProblem(404, { error: 'Not found' });
    if (error instanceof ValidationFailed) return new HttpProblem(400, { error: error.errors });
    return new DomainException(error);
  }

  /** A grid or token that went away meanwhile has nothing left to clean up. */
  private async ignoringNotFound(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof DomainException && error.error instanceof NotFound)) throw error;
    }
  }
}
