import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { EventStoreModule } from '@libs/eventstore';
import { connectRedis } from '@libs/redis';
import { SqliteKeyStore, Vault } from '@libs/vault';
import { Authenticator } from '../common/auth/authenticator';
import { GridAccess } from '../common/auth/grid-access';
import { ApiConfig } from '../config';
import { CommandExecutor } from './command-executor';
import { ReadModels } from './read-models';
import { REDIS } from './tokens';

@Injectable()
class Connections implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

/** What every use case may inject: config, Redis, read models, the command executor, the vault, access checks. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [EventStoreModule.forRoot({ url: config.EVENTSTORE_URL })],
      providers: [
        { provide: ApiConfig, useValue: config },
        { provide: REDIS, useFactory: () => connectRedis(config.REDIS_URL) },
        {
          provide: Vault,
          useFactory: () =>
            new Vault(config.VAULT_KEY, new SqliteKeyStore(config.VAULT_KEYSTORE_PATH), config.VAULT_PREVIOUS_KEY),
        },
        Connections,
        ReadModels,
        CommandExecutor,
        Authenticator,
        GridAccess,
      ],
      exports: [ApiConfig, REDIS, Vault, ReadModels, CommandExecutor, Authenticator, GridAccess],
    };
  }
}
