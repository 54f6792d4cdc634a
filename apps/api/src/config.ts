import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { validateEnv } from '@libs/config';

/** The api's environment (DESIGN.md §10); a bad value stops the process with a clear message. */
export class ApiConfig {
  @IsInt() @Min(0) @Max(65535)
  PORT = 9292;

  @IsString()
  HOST = '127.0.0.1';

  @IsString()
  EVENTSTORE_URL = 'esdb://127.0.0.1:2113?tls=false';

  @IsString()
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IsString()
  REDIS_PREFIX = 'kontena:';

  /** Master key for envelope encryption of secrets, grid and node tokens (DESIGN.md §7). */
  @IsString() @MinLength(32, { message: 'VAULT_KEY must be at least 32 characters' })
  VAULT_KEY!: string;

  /**
   * The master key before a rotation: data keys it wrapped are still read until `npm run vault:rewrap` has
   * wrapped them with VAULT_KEY (README, "Rotating the vault key").
   */
  @IsOptional() @IsString() @MinLength(32, { message: 'VAULT_PREVIOUS_KEY must be at least 32 characters' })
  VAULT_PREVIOUS_KEY?: string;

  /** Where wrapped per-grid data keys are kept; deleting one shreds that grid's secrets. */
  @IsString()
  VAULT_KEYSTORE_PATH = './data/vault/keys.db';

  /** The code that exchanges for the initial admin's token; generated and written to a file when unset. */
  @IsOptional() @IsString() @MinLength(8)
  INITIAL_ADMIN_CODE?: string;

  @IsString()
  DATA_DIR = './data';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** How long a mutating request waits for its change to reach the read models (read-your-writes). */
  @IsInt() @Min(0) @Max(60_000)
  READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

  /** Token endpoint rate limit per client IP per minute (kontena-behaviour.md §1 Rack::Attack). */
  @IsInt() @Min(1)
  TOKEN_RATE_LIMIT = 60;

  /** Server name reported in tokens and `/`. */
  @IsString()
  SERVER_NAME = 'kontena-es';
}

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return validateEnv(ApiConfig, env);
}
