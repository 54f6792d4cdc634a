import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomBytes } from 'node:crypto';
import { gridDecider, ValidationFailed } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { GridDoc } from '@libs/read-model';
import { Vault } from '@libs/vault';
import { hashToken } from '../../common/auth/token-hash';
import { DomainException } from '../../common/http/errors';
import { randomName } from '../../common/random-name';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { gridAfter } from '../grid-doc';
import { gridTokenPurpose } from '../grid.view';
import type { RequestContext } from '../../common/http/request-context';
import { CreateGridDto, DEFAULT_SUBNET, DEFAULT_SUPERNET } from './create-grid.dto';

export class CreateGridCommand extends Command<GridDoc> {
  constructor(
    readonly ctx: RequestContext,
    readonly input: CreateGridDto,
  ) {
    super();
  }
}

@CommandHandler(CreateGridCommand)
export class CreateGridHandler implements ICommandHandler<CreateGridCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
    private readonly vault: Vault,
  ) {}

  async execute({ ctx, input }: CreateGridCommand): Promise<GridDoc> {
    const name = input.name || randomName();
    // Kontena's default grid token: 64 random bytes, base64 (kontena-behaviour.md §2).
    const token = input.token ?? randomBytes(64).toString('base64');
    const tokenHash = hashToken(token);
    if (await this.readModels.reader.lookup('gridtoken', tokenHash)) {
      throw new DomainException(ValidationFailed.of('token', 'is already taken'));
    }

    const dataKeyId = this.vault.createDataKey(`grid:${name}`);
    let outcome;
    try {
      outcome = await this.executor.execute(ctx, streamName('grid', name), gridDecider, {
        type: 'CreateGrid',
        data: {
          name,
          initial_size: input.initial_size ?? 1,
          subnet: input.subnet ?? DEFAULT_SUBNET,
          supernet: input.supernet ?? DEFAULT_SUPERNET,
          default_affinity: [],
          trusted_subnets: [],
          stats: { statsd: null },
          logs: null,
          ...input.settings(),
          data_key_id: dataKeyId,
          token: this.vault.seal(dataKeyId, token, gridTokenPurpose(name)),
          token_hash: tokenHash,
          creator: ctx.user.email,
        },
      });
    } catch (error) {
      // The grid was not created, so nothing refers to the new key.
      this.vault.destroyDataKey(dataKeyId);
      throw error;
    }
    return gridAfter(this.readModels, name, outcome, ctx.now);
  }
}
