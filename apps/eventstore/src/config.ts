import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { envFlag, InvalidEnvironmentError, validateEnv } from '@libs/config';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import type { StorageOptions, TlsOptions } from './server';

/** The event store's environment (DESIGN.md §10); defaults make `npm start` work on one machine. */
export class EventStoreEnv {
  @IsString()
  @IsNotEmpty()
  EVENTSTORE_HOST = '127.0.0.1';

  /** 0 picks a free port; the "listening" log line says which. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  EVENTSTORE_PORT = 2113;

  @IsString()
  @IsNotEmpty()
  EVENTSTORE_DATA_DIR = './data/eventstore';

  /** In-memory SQLite: nothing survives the process. For tests. */
  @Transform(({ value }) => envFlag(value))
  @IsBoolean()
  EVENTSTORE_MEMORY = false;

  @IsOptional()
  @IsString()
  EVENTSTORE_CERT_FILE?: string;

  @IsOptional()
  @IsString()
  EVENTSTORE_KEY_FILE?: string;

  @IsOptional()
  @IsString()
  EVENTSTORE_CA_FILE?: string;

  /** The `admin` user's password on the very first start (like `EVENTSTORE_DEFAULT_ADMIN_PASSWORD`). */
  @IsString()
  @IsNotEmpty()
  EVENTSTORE_ADMIN_PASSWORD = 'changeit';
}

export interface EventStoreConfig {
  readonly host: string;
  readonly port: number;
  readonly storage: StorageOptions;
  readonly tls?: TlsOptions;
  readonly adminPassword: string;
}

/** Reads and checks the environment; throws InvalidEnvironmentError naming every problem. */
export function loadConfig(env: Record<string, string | undefined>): EventStoreConfig {
  const vars = validateEnv(EventStoreEnv, env);
  const problems: string[] = [];
  const { EVENTSTORE_CERT_FILE: cert, EVENTSTORE_KEY_FILE: key, EVENTSTORE_CA_FILE: ca } = vars;
  if ((cert === undefined) !== (key === undefined))
    problems.push('EVENTSTORE_CERT_FILE and EVENTSTORE_KEY_FILE must be given together');
  if (ca !== undefined && cert === undefined)
    problems.push('EVENTSTORE_CA_FILE needs EVENTSTORE_CERT_FILE and EVENTSTORE_KEY_FILE');
  for (const [name, file] of [
    ['EVENTSTORE_CERT_FILE', cert],
    ['EVENTSTORE_KEY_FILE', key],
    ['EVENTSTORE_CA_FILE', ca],
  ] as const) {
    if (file !== undefined && !existsSync(file)) problems.push(`${name}: ${file} does not exist`);
  }
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
  return {
    host: vars.EVENTSTORE_HOST,
    port: vars.EVENTSTORE_PORT,
    storage: vars.EVENTSTORE_MEMORY
      ? { kind: 'memory' }
      : { kind: 'file', dataDir: resolve(vars.EVENTSTORE_DATA_DIR) },
    adminPassword: vars.EVENTSTORE_ADMIN_PASSWORD,
    ...(cert !== undefined &&
      key !== undefined && {
        tls: {
          cert: readFileSync(cert),
          key: readFileSync(key),
          ...(ca !== undefined && { ca: readFileSync(ca) }),
        },
      }),
  };
}
