import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFound, secretDecider, SecretEvent, SecretState, ValidationFailed } from '@libs/domain';
import { AggregateCommandHandler, CommandOutcome, streamName } from '@libs/eventstore';
import type { SecretDoc } from '@libs/read-model';
import { Vault } from '@libs/vault';
import { GridAccess } from '../../common/auth/grid-access';
import { DomainException, HttpProblem } from '../../common/http/errors';
import type { RequestContext } from '../../common/http/request-context';
import { checkField } from '../../common/validation/field';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { secretNameField } from '../secret-name';
import { secretAfter } from '../secret-doc';
import { secretPurpose } from '../secret.view';
import type { UpdateSecretDto } from './update-secret.dto';

export class UpdateSecretCommand extends Command<{ doc: SecretDoc; created: boolean }> {
  constructor(
    readonly ctx: RequestContext,
    readonly grid: string,
    readonly name: string,
    readonly input: UpdateSecretDto,
  ) {
    super();
  }
}

/**
 * PUT /v1/secrets/:grid/:name: 200 for an existing secret (nothing recorded when the value is equal),
 * 201 when `upsert` creates it, and a bare 404 otherwise (kontena-behaviour.md §9).
 */
@CommandHandler(UpdateSecretCommand)
export class UpdateSecretHandler implements ICommandHandler<UpdateSecretCommand> {
  constructor(
    private readonly access: GridAccess,
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
    private readonly aggregates: AggregateCommandHandler,
    private readonly vault: Vault,
  ) {}

  async execute({ ctx, grid, name, input }: UpdateSecretCommand) {
    const { data_key_id } = await this.access.member(ctx.user, grid);
    // Kontena's upsert created the secret named in the body, not the one in the path; here they must agree.
    if (input.name !== undefined && input.name !== name)
      throw new DomainException(ValidationFailed.of('name', 'Name must match the secret in the path'));
    const nameError = checkField('name', secretNameField, name, true);
    if (nameError) throw new DomainException(new ValidationFailed({ name: nameError }));

    const id = `${grid}/${name}`;
    const purpose = secretPurpose(grid, name);
    const stream = streamName('secret', id);
    // Compared with the stream, not the read model, which may lag behind a write just made.
    const current = await this.aggregates.load(stream, secretDecider);
    const unchanged =
      current.status === 'active' && this.vault.open(current.value, purpose) === input.value
        ? current.value
        : undefined;
    const value = this.vault.seal(data_key_id, input.value, purpose);
    let outcome: CommandOutcome<SecretState, SecretEvent>;
    try {
      outcome = await this.executor.execute(ctx, stream, secretDecider, {
        type: 'UpdateSecret',
        data: { grid, name, value, upsert: input.upsert ?? false, unchanged },
      });
    } catch (error) {
      // Kontena set only the status here: the 404 has an empty body.
      if (error instanceof DomainException && error.error instanceof NotFound)
        throw new HttpProblem(404, undefined);
      throw error;
    }
    const created = outcome.events.some((event) => event.type === 'SecretCreated');
    return { doc: await secretAfter(this.readModels, id, outcome, ctx.now), created };
  }
}
