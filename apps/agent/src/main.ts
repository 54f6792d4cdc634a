import 'reflect-metadata';
import { InvalidEnvironmentError } from '@libs/config';
import { createLogger } from '@libs/logging';
import { waitForRedisLogged } from '@libs/redis';
import { AgentFleet } from './agent-fleet';
import { loadAgentConfig } from './config';

/** The node agent (docs/reconciliation.md, "Agents"); `HOLLOW_NODES=N` runs N simulated nodes instead. */
async function main(): Promise<void> {
  const config = loadAgentConfig();
  const logger = createLogger('agent');
  await waitForRedisLogged(config.REDIS_URL, logger);
  const fleet = new AgentFleet(config, logger);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await fleet.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  logger.info(
    { runtime: config.HOLLOW_NODES > 0 ? 'hollow' : config.RUNTIME, nodes: fleet.agents.length },
    'agent starting',
  );
  try {
    await fleet.start();
  } catch (error) {
    if (stopping) return; // asked to stop while waiting for a grid token or the master
    throw error;
  }
  logger.info({ nodes: fleet.agents.map((a) => a.nodeId) }, 'agent started');
}

main().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError) process.stderr.write(`agent: ${error.message}\n`);
  else
    process.stderr.write(
      `agent: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  process.exit(1);
});
