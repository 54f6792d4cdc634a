import 'reflect-metadata';
import { InvalidEnvironmentError } from '@libs/config';
import { createLogger } from '@libs/logging';
import { waitForRedisLogged } from '@libs/redis';
import { loadReconcilerConfig } from './config';
import { Reconciler } from './reconciler';
import { startTelemetryWorker } from './telemetry';

/** The reconciler: desired service state converged onto node agents (docs/reconciliation.md). */
async function main(): Promise<void> {
  const config = loadReconcilerConfig();
  const logger = createLogger('reconciler');
  await waitForRedisLogged(config.REDIS_URL, logger);
  const reconciler = new Reconciler(config, logger);
  await reconciler.start();
  const telemetry = await startTelemetryWorker({
    redisUrl: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    logger,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await telemetry.close();
    await reconciler.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  logger.info('reconciler started');
}

main().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError) process.stderr.write(`reconciler: ${error.message}\n`);
  else
    process.stderr.write(
      `reconciler: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  process.exit(1);
});
