import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_ADMIN_EMAIL, tokenDecider, userDecider } from '@libs/domain';
import { AggregateCommandHandler, streamName } from '@libs/eventstore';
import { hashToken, randomToken } from '../common/auth/token-hash';
import { ApiConfig } from '../config';
import { ReadModels } from '../platform/read-models';

/** The deterministic id of the initial admin's code, so several replicas starting at once create it once. */
export const INITIAL_ADMIN_TOKEN_ID = 'initial-admin-code';

/**
 * Creates the local `admin` (always master_admin) and an authorization code that exchanges for its
 * first token, on the very first start (kontena-behaviour.md §8, migration 14). The code is
 * INITIAL_ADMIN_CODE; when unset a random one is written to `<DATA_DIR>/initial-admin-code` (mode 600)
 * rather than to the log, where secrets never go.
 */
@Injectable()
export class InitialAdmin implements OnApplicationBootstrap {
  private readonly logger = new Logger(InitialAdmin.name);

  constructor(
    private readonly handler: AggregateCommandHandler,
    private readonly config: ApiConfig,
    private readonly readModels: ReadModels,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const context = { now: new Date(), actor: { kind: 'system' as const, component: 'api:initial-admin' } };
    const user = await this.handler.handle(streamName('user', LOCAL_ADMIN_EMAIL), userDecider, {
      type: 'CreateUser',
      data: { id: randomToken(12), email: LOCAL_ADMIN_EMAIL, name: 'admin', external_id: null, roles: ['master_admin'] },
    }, context);
    // The code is issued on every start but only takes effect once (a fixed token id makes it idempotent),
    // so a first start that crashed between the two appends still ends with a usable code.
    const userId = 'events' in user && user.state.status === 'active' ? user.state.id : await this.adminId();
    const code = this.config.INITIAL_ADMIN_CODE ?? this.generatedCode();
    const outcome = await this.handler.handle(streamName('token', INITIAL_ADMIN_TOKEN_ID), tokenDecider, {
      type: 'IssueAccessToken',
      data: {
        id: INITIAL_ADMIN_TOKEN_ID,
        kind: 'authorization_code',
        user_id: userId,
        user_email: LOCAL_ADMIN_EMAIL,
        scopes: ['user', 'owner'],
        description: 'initial admin',
        token_hash: null,
        token_last_four: null,
        refresh_token_hash: null,
        refresh_token_last_four: null,
        code_hash: hashToken(code),
        expires_at: null,
      },
    }, context);
    if ('events' in outcome && outcome.events.length && outcome.revision !== undefined) {
      // Listening only once the code is visible means the first login right after start-up succeeds.
      await this.readModels.waitFor({ stream: streamName('token', INITIAL_ADMIN_TOKEN_ID), revision: outcome.revision });
      this.logger.log('created the initial admin; exchange the initial admin code at POST /oauth2/token');
    }
  }

  private async adminId(): Promise<string> {
    const state = await this.handler.load(streamName('user', LOCAL_ADMIN_EMAIL), userDecider);
    return state.status === 'active' ? state.id : '';
  }

  private generatedCode(): string {
    const file = join(this.config.DATA_DIR, 'initial-admin-code');
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    mkdirSync(this.config.DATA_DIR, { recursive: true });
    const code = randomToken(16);
    writeFileSync(file, `${code}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    this.logger.warn({ file }, 'INITIAL_ADMIN_CODE is not set; a generated code was written to this file');
    return code;
  }
}
