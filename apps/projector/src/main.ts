import 'reflect-metadata';
import { EventStoreDBClient } from '@eventstore/db-client';
import { InvalidEnvironmentError } from '@libs/config';
import { disposeClient } from '@libs/eventstore';
import { createLogger } from '@libs/logging';
import { currentGeneration, ReadModelKeys } from '@libs/read-model';
import { connectRedis, reconnectsQuietly, waitForRedisLogged } from '@libs/redis';
import { loadProjectorConfig } from './config';
import { Projector } from './projector';
import { PROJECTIONS } from './projections';

/**
 * The projector: one process following `$all` into the current read-model generation, switching when a
 * rebuild (`npm run projector:rebuild`) announces a new one.
 */
async function main(): Promise<void> {
  const config = loadProjectorConfig();
  const logger = createLogger('projector');
  await waitForRedisLogged(config.REDIS_URL, logger);
  const client = EventStoreDBClient.connectionString(config.EVENTSTORE_URL);
  const redis = connectRedis(config.REDIS_URL, 'worker');
  const subscriber = reconnectsQuietly(redis.duplicate());

  const start = (generation: number) =>
    new Projector({
      client,
      redis,
      prefix: config.REDIS_PREFIX,
      generation,
      projections: PROJECTIONS,
      logger,
      onCaughtUp: () => logger.info({ generation }, 'read models caught up with $all'),
    }).start();

  let projector = start(await currentGeneration(redis, config.REDIS_PREFIX));
  await subscriber.subscribe(ReadModelKeys.switchChannel(config.REDIS_PREFIX));
  subscriber.on('message', async (_channel, message) => {
    const generation = Number(message);
    if (!Number.isInteger(generation) || generation === projector.keys.generation) return;
    logger.info({ from: projector.keys.generation, to: generation }, 'switching read-model generation');
    await projector.stop();
    projector = start(generation);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await projector.stop();
    subscriber.disconnect();
    redis.disconnect();
    await disposeClient(client);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  logger.info({ generation: projector.keys.generation }, 'projector started');
}

main().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError) process.stderr.write(`projector: ${error.message}\n`);
  else process.stderr.write(`projector: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
