import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { userDecider, ValidationFailed } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import { UserDoc, userLookups } from '@libs/read-model';
import { hashToken, randomToken } from '../../common/auth/token-hash';
import { DomainException } from '../../common/http/errors';
import type { Principal, RequestContext } from '../../common/http/request-context';
import { CommandExecutor } from '../../platform/command-executor';
import { ReadModels } from '../../platform/read-models';
import { isUserAdmin } from '../../users/user-admin';
import { AuthProvider } from '../auth-provider/auth-provider';
import { oauthError } from '../oauth-error';

/** Kontena's invite email rule (mutations/users/invite.rb). */
const EMAIL = /^([^@\s]+)@((?:[-a-z0-9]+\.)+[a-z]{2,})$/i;

export interface InviteOrder {
  email: string | undefined;
  /** `username` in the request. */
  name: string | undefined;
  external_id: string | undefined;
}

export class InviteUserCommand extends Command<{ email: string; invite_code: string }> {
  constructor(
    readonly ctx: RequestContext,
    readonly caller: Principal,
    readonly order: InviteOrder,
  ) {
    super();
  }
}

/**
 * POST /oauth2/authorize with `response_type=invite` (user_admin; kontena-behaviour.md §8): creates the user, or
 * finds them by email or provider id, with a fresh invite code for their first sign-in through the provider.
 */
@CommandHandler(InviteUserCommand)
export class InviteUserHandler implements ICommandHandler<InviteUserCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly readModels: ReadModels,
    private readonly provider: AuthProvider,
  ) {}

  async execute({ ctx, caller, order }: InviteUserCommand) {
    if (!isUserAdmin(caller)) throw oauthError(403, 'access_denied', 'You do not have the permission to create invites');
    // Invites only make sense with a provider to sign in through (authorization_api.rb).
    if (!(await this.provider.settings())) throw oauthError(501, 'server_error', 'Authentication provider not configured');
    if (order.email !== undefined && !EMAIL.test(order.email)) throw oauthError(400, 'invalid_request', "Email isn't in the right format");

    const reader = this.readModels.reader;
    const byExternalId = order.external_id ? await reader.lookup(userLookups.externalId, order.external_id) : undefined;
    const existing = await reader.doc<UserDoc>('user', byExternalId ?? order.email ?? '');
    const email = existing?.email ?? order.email;
    if (!email) throw oauthError(400, 'invalid_request', 'Email is required');

    const code = randomToken(6); // Kontena's invite codes: `SecureRandom.hex(6)`, stored here only hashed
    try {
      await this.executor.execute(ctx, streamName('user', email), userDecider, {
        type: 'InviteUser',
        data: { id: randomToken(12), email, name: order.name ?? null, external_id: order.external_id ?? null, invite_code_hash: hashToken(code) },
      });
    } catch (error) {
      if (error instanceof DomainException && error.error instanceof ValidationFailed) {
        throw oauthError(400, 'invalid_request', Object.values(error.error.errors).join(', '));
      }
      throw error;
    }
    return { email, invite_code: code };
  }
}
