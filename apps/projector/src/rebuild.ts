import 'reflect-metadata';
import { EventStoreDBClient } from '@eventstore/db-client';
import { comparePositions, disposeClient, headOfAll, positionFromString } from '@libs/eventstore';
import { createLogger } from '@libs/logging';
import { currentGeneration, ReadModelKeys, switchGeneration } from '@libs/read-model';
import { connectRedis } from '@libs/redis';
import { loadProjectorConfig } from './config';
import { Projector } from './projector';
import { PROJECTIONS } from './projections';

/**
 * `npm run projector:rebuild`: replays `$all` into a fresh generation, switches readers and the live
 * projector over once it has caught up with the live one, then deletes the old generation (DESIGN.md §4).
 * `--keep` leaves the old generation in place (tests compare the two byte for byte).
 */
async function rebuild(): Promise<void> {
  const config = loadProjectorConfig();
  const keep = process.argv.includes('--keep');
  const logger = createLogger('projector:rebuild');
  const client = EventStoreDBClient.connectionString(config.EVENTSTORE_URL);
  const redis = connectRedis(config.REDIS_URL, 'worker');

  const old = await currentGeneration(redis, config.REDIS_PREFIX);
  const fresh = old + 1;
  const freshKeys = new ReadModelKeys(config.REDIS_PREFIX, fresh);
  await deleteKeys(redis, freshKeys.root); // a previous rebuild that died half-way
  logger.info({ from: old, to: fresh }, 'rebuilding read models');

  const startedAt = Date.now();
  const projector = new Projector({ client, redis, prefix: config.REDIS_PREFIX, generation: fresh, projections: PROJECTIONS, logger }).start();

  // Caught up = past the last event that existed when we look; new events keep arriving, so look again.
  for (;;) {
    const head = await headOfAll(client);
    const reached = await projector.checkpoint();
    if (!head || (reached && comparePositions(positionFromString(reached), head) >= 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await projector.stop();
  await switchGeneration(redis, config.REDIS_PREFIX, fresh);
  logger.info({ generation: fresh, ms: Date.now() - startedAt }, 'switched to the rebuilt read models');

  if (!keep) await deleteKeys(redis, new ReadModelKeys(config.REDIS_PREFIX, old).root);
  redis.disconnect();
  await disposeClient(client);
}

async function deleteKeys(redis: ReturnType<typeof connectRedis>, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

rebuild().catch((error: unknown) => {
  process.stderr.write(`projector:rebuild failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
