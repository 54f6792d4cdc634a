import { EventStoreDBClient, streamNameFilter } from '@eventstore/db-client';
import type Redis from 'ioredis';
import { positionFromString, positionToString, SubscriptionRunner } from '@libs/eventstore';
import type { Logger } from '@libs/logging';
import type { ReadModelReader } from '@libs/read-model';
import type { ReconcileRequests } from '../reconcile/reconcile-requests';
import { AFFECTING_CATEGORIES, servicesAffectedBy } from './affected-services';

/**
 * Follows `$all` and asks for a reconcile of every service an event can affect. Its checkpoint is in Redis
 * under the deployment's prefix; a crash repeats at most the events since the last saved one, which only asks
 * for passes that happen anyway (passes are idempotent).
 */
export class Dispatcher {
  private readonly runner: SubscriptionRunner;

  constructor(options: {
    client: EventStoreDBClient;
    redis: Redis;
    checkpointKey: string;
    reader: () => ReadModelReader;
    requests: ReconcileRequests;
    logger: Logger;
  }) {
    const { client, redis, checkpointKey, reader, requests, logger } = options;
    this.runner = new SubscriptionRunner({
      name: 'reconciler-dispatcher',
      client,
      logger,
      checkpoints: {
        load: async () => {
          const raw = await redis.get(checkpointKey);
          return raw ? positionFromString(raw) : undefined;
        },
        save: async (position) => {
          await redis.set(checkpointKey, positionToString(position));
        },
      },
      // Only the categories `servicesAffectedBy` reacts to leave the server: the reconciler's own placement and
      // deploy events (most of the log while instances start) are never sent here at all.
      filter: (checkpointReached) =>
        streamNameFilter({
          prefixes: AFFECTING_CATEGORIES.map((category) => `${category}-`),
          checkpointReached: (_subscription, position) => checkpointReached(position),
        }),
      // A burst asks for each service once and saves one checkpoint.
      handleBatch: async (envelopes) => {
        const r = reader();
        const services = new Set<string>();
        for (const envelope of envelopes)
          for (const id of await servicesAffectedBy(envelope, r)) services.add(id);
        if (services.size > 0) await requests.requestAll(services);
      },
      onCaughtUp: () => logger.info('dispatcher caught up with $all'),
    });
  }

  start(): void {
    this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }
}
