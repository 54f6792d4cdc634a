/**
 * The embedded event store as its own process. Logs one JSON line `{"msg":"listening","host","port"}`
 * once it accepts connections (tests read the port from it when started with port 0); SIGTERM or
 * SIGINT stop it cleanly with exit code 0.
 */
import { InvalidEnvironmentError } from '@libs/config';
import { createLogger } from '@libs/logging';
import { loadConfig } from './config';
import { createEventStoreServer } from './server';

async function main(): Promise<void> {
  const logger = createLogger('eventstore');
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof InvalidEnvironmentError)) throw error;
    logger.fatal({ problems: error.problems }, error.message);
    process.stderr.write(`eventstore: ${error.message}\n`);
    process.exit(1);
  }

  const server = await createEventStoreServer({ ...config, logger });
  // Always printed, whatever LOG_LEVEL says: launchers and tests learn the port from this line.
  logger.child({}, { level: 'info' }).info(
    {
      host: server.host,
      port: server.port,
      tls: server.tls,
      storage: config.storage.kind === 'file' ? config.storage.dataDir : 'memory',
    },
    'listening',
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(process.exitCode ?? 0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stopped with an error');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Started by a supervisor over IPC (the test helper does this): stop when it goes away. Its
  // end of our stdout is gone too, and a log write there could block the shutdown forever.
  if (process.send) {
    process.on('disconnect', () => {
      logger.level = 'silent';
      stop('SIGTERM');
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `eventstore: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
