import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { EventStoreDBClient } from '@eventstore/db-client';
import { AggregateCache } from './aggregate-cache';
import { disposeClient } from './reads';
import { AggregateCommandHandler } from './command-handler';

/** The embedded server's address; production sets EVENTSTORE_URL to a real cluster (README). */
export const DEFAULT_EVENTSTORE_URL = 'esdb://127.0.0.1:2113?tls=false';

@Injectable()
class ClientLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EventStoreDBClient) private readonly client: EventStoreDBClient) {}

  async onApplicationShutdown(): Promise<void> {
    await disposeClient(this.client);
  }
}

/**
 * Provides the `@eventstore/db-client` client (one channel per process, as the client intends) and the
 * generic command handler. Every app reaches EventStoreDB only through this module.
 */
@Global()
@Module({})
export class EventStoreModule {
  static forRoot(options: { url?: string } = {}): DynamicModule {
    const url = options.url ?? process.env.EVENTSTORE_URL ?? DEFAULT_EVENTSTORE_URL;
    return {
      module: EventStoreModule,
      providers: [
        { provide: EventStoreDBClient, useFactory: () => EventStoreDBClient.connectionString(url) },
        { provide: AggregateCache, useFactory: () => new AggregateCache() },
        {
          provide: AggregateCommandHandler,
          useFactory: (client: EventStoreDBClient, cache: AggregateCache) => new AggregateCommandHandler(client, cache),
          inject: [EventStoreDBClient, AggregateCache],
        },
        ClientLifecycle,
      ],
      exports: [EventStoreDBClient, AggregateCommandHandler, AggregateCache],
    };
  }
}
