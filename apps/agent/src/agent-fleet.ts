import { join } from 'node:path';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { connectRedis } from '@libs/redis';
import { AgentConfig, parseLabels } from './config';
import { MasterApi } from './master/master-api';
import { NodeAgent } from './node/node-agent';
import { createRuntime, InstanceRuntime } from './runtime';
import { AGENT_VERSION } from './version';

/**
 * The agents this process runs: one real node, or `HOLLOW_NODES` simulated ones (hollow runtime, each its own
 * name, data directory, identity, queue and heartbeat) for the scale benchmark, as Kubernetes' kubemark does.
 */
export class AgentFleet {
  readonly agents: NodeAgent[] = [];
  private readonly redis: Redis;
  private readonly workerConnection: Redis;

  constructor(
    private readonly config: AgentConfig,
    private readonly logger: Logger,
  ) {
    this.redis = connectRedis(config.REDIS_URL, 'request');
    this.workerConnection = connectRedis(config.REDIS_URL, 'worker');
    const api = new MasterApi(config.API_URL.replace(/\/$/, ''), AGENT_VERSION);
    const hollow = config.HOLLOW_NODES > 0;
    const count = hollow ? config.HOLLOW_NODES : 1;
    // Hollow node i joins the ((i - 1) mod n)th grid listed, so the fleet spreads evenly over them.
    const gridTokens = hollow ? (config.GRID_TOKEN?.split(',') ?? [undefined]) : [config.GRID_TOKEN];
    for (let i = 1; i <= count; i++) {
      const name = hollow ? `${config.NODE_NAME}-${i}` : config.NODE_NAME;
      const dataDir = hollow ? join(config.AGENT_DATA_DIR, name) : config.AGENT_DATA_DIR;
      this.agents.push(
        new NodeAgent({
          name,
          labels: parseLabels(config.LABELS),
          dataDir,
          api,
          gridToken: gridTokens[(i - 1) % gridTokens.length],
          nodeToken: hollow ? undefined : config.NODE_TOKEN,
          runtime: this.runtime(hollow ? 'hollow' : config.RUNTIME, dataDir, name, i),
          redis: this.redis,
          workerConnection: this.workerConnection,
          redisPrefix: config.REDIS_PREFIX,
          heartbeatMs: config.HEARTBEAT_INTERVAL_MS,
          pullMs: config.PULL_INTERVAL_MS,
          nodeInfoMs: config.NODE_INFO_INTERVAL_MS,
          statsMs: config.STATS_INTERVAL_MS,
          jobConcurrency: config.JOB_CONCURRENCY,
          publicIp: config.PUBLIC_IP,
          privateIp: config.PRIVATE_IP,
          logger: this.logger.child({ agent: name }),
        }),
      );
    }
  }

  private runtime(kind: string, dataDir: string, name: string, index: number): InstanceRuntime {
    const logger = this.logger.child({ runtime: kind, agent: name });
    switch (kind) {
      case 'docker':
        return createRuntime({
          kind: 'docker',
          socketPath: this.config.CONTAINER_ENGINE_SOCKET,
          scope: name,
          logger,
        });
      case 'hollow':
        return createRuntime({
          kind: 'hollow',
          seed: index,
          failureRate: Number(this.config.HOLLOW_FAILURE_RATE) || 0,
          logger,
        });
      default:
        return createRuntime({ kind: 'process', stateDir: join(dataDir, 'instances'), logger });
    }
  }

  /** Starts every agent; hollow nodes join a few at a time so the api is not asked for hundreds at once. */
  async start(): Promise<void> {
    const batch = 10;
    for (let i = 0; i < this.agents.length; i += batch) {
      await Promise.all(this.agents.slice(i, i + batch).map((agent) => agent.start()));
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.agents.map((agent) => agent.stop()));
    this.redis.disconnect();
    this.workerConnection.disconnect();
  }
}
