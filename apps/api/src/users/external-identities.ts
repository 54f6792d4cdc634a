import { Injectable } from '@nestjs/common';
import { userDecider } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { UserDoc, userIndexes } from '@libs/read-model';
import type { RequestContext } from '../common/http/request-context';
import { CommandExecutor } from '../platform/command-executor';
import { ReadModels } from '../platform/read-models';

/**
 * Users' links to the external auth provider. When the provider's configuration changes, an old link means
 * nothing (the same id may be someone else at the new provider), so every link is forgotten and users are
 * matched by invite or email on their next sign-in (kontena-behaviour.md §8, config_api.rb `clear_authentications`).
 */
@Injectable()
export class ExternalIdentities {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
  ) {}

  async forgetAll(ctx: RequestContext): Promise<void> {
    const reader = this.readModels.reader;
    const users = await reader.docs<UserDoc>('user', await reader.ids(userIndexes.all));
    for (const user of users.filter((u) => u.external_id !== null)) {
      await this.executor.execute(ctx, streamName('user', user.email), userDecider, { type: 'ForgetExternalIdentity', data: {} });
    }
  }
}
