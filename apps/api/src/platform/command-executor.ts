import { Injectable, Logger } from '@nestjs/common';
import { Command, Decider, DomainEvent } from '@libs/domain';
import { AggregateCommandHandler, CommandOutcome, HandleCommandOptions } from '@libs/eventstore';
import { unwrap } from '../common/http/errors';
import type { RequestContext } from '../common/http/request-context';
import { ReadModels } from './read-models';

/**
 * Runs a command through the generic handler on behalf of a request: metadata from the request context,
 * `If-Match` as the pinned revision when asked, domain refusals thrown for the exception filter, and the
 * answer held back until the read models show the change (read-your-writes, DESIGN.md §4).
 */
@Injectable()
export class CommandExecutor {
  private readonly logger = new Logger(CommandExecutor.name);

  constructor(
    private readonly handler: AggregateCommandHandler,
    private readonly readModels: ReadModels,
  ) {}

  async execute<State, C extends Command, E extends DomainEvent>(
    ctx: RequestContext,
    stream: string,
    decider: Decider<State, C, E>,
    command: C,
    options: HandleCommandOptions & { pinToIfMatch?: boolean } = {},
  ): Promise<CommandOutcome<State, E>> {
    const expectedRevision = options.expectedRevision ?? (options.pinToIfMatch ? ctx.ifMatch : undefined);
    const started = performance.now();
    const outcome = unwrap(await this.handler.handle(stream, decider, command, ctx.decision(), { ...options, expectedRevision }));
    const appended = performance.now();
    ctx.outcome = { revision: outcome.revision, position: outcome.position };
    const visible = outcome.events.length === 0 || outcome.revision === undefined || (await this.readModels.waitFor({ stream, revision: outcome.revision }));
    if (!visible) {
      this.logger.warn({ stream, requestId: ctx.requestId }, 'read models did not catch up before the timeout');
    }
    // Reported as Server-Timing: `command` (decide and append) and `projection` (until the read models show it).
    ctx.timings.command += appended - started;
    ctx.timings.projection += performance.now() - appended;
    return outcome;
  }
}
