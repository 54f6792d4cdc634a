import { IsIn, IsString } from 'class-validator';
import { validateEnv } from '@libs/config';

export class ProjectorConfig {
  @IsString() EVENTSTORE_URL = 'esdb://127.0.0.1:2113?tls=false';
  @IsString() REDIS_URL = 'redis://127.0.0.1:6379';
  @IsString() REDIS_PREFIX = 'kontena:';
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
}

export const loadProjectorConfig = (env: NodeJS.ProcessEnv = process.env) => validateEnv(ProjectorConfig, env);
