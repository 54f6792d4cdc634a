/**
 * For the reconciler's integration tests: a real event store (child process) and Redis (unique prefix), the
 * projector in this process, commands appended through the deciders, and fake agents (BullMQ workers on the
 * nodes' queues that answer each job with a report) where a test does not want real runtimes.
 */
import { EventStoreDBClient } from '@eventstore/db-client';
import { Job, Queue, Worker } from 'bullmq';
import type Redis from 'ioredis';
import {
  Command,
  Decider,
  DomainEvent,
  isDomainError,
  nodeDecider,
  SERVICE_DEFAULTS,
  serviceDecider,
  ServiceDefinition,
} from '@libs/domain';
import {
  AggregateCommandHandler,
  CURRENT_SCHEMA_VERSION,
  disposeClient,
  streamName,
  toEventData,
} from '@libs/eventstore';
import { createLogger } from '@libs/logging';
import { AgentJob, AgentReportJob, bullPrefix, QUEUES, RETENTION } from '@libs/queues';
import { AgentDataKeys, ReadModelKeys, ReadModelReader } from '@libs/read-model';
import { connectRedis } from '@libs/redis';
import { deletePrefix, RunningEventStore, startEventStore, uniquePrefix } from '@libs/testing';
import { Projector } from '../../../projector/src/projector';
import { PROJECTIONS } from '../../../projector/src/projections';
import { ReconcilerConfig } from '../config';

export const quietLogger = createLogger('test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });

const SYSTEM = { kind: 'system', component: 'test' } as const;

export class Harness {
  readonly prefix = uniquePrefix('reconciler');
  readonly redis: Redis = connectRedis(process.env.REDIS_URL, 'request');
  readonly workerRedis: Redis = connectRedis(process.env.REDIS_URL, 'worker');
  readonly agentData = new AgentDataKeys(this.prefix);
  readonly reader = new ReadModelReader(this.redis, new ReadModelKeys(this.prefix, 1));
  eventStore!: RunningEventStore;
  client!: EventStoreDBClient;
  streams!: AggregateCommandHandler;
  private projector?: Projector;
  private readonly closers: (() => Promise<unknown>)[] = [];

  async start(): Promise<this> {
    this.eventStore = await startEventStore({ memory: true });
    this.client = EventStoreDBClient.connectionString(this.eventStore.url);
    this.streams = new AggregateCommandHandler(this.client);
    this.projector = new Projector({
      client: this.client,
      redis: this.redis,
      prefix: this.prefix,
      generation: 1,
      projections: PROJECTIONS,
      logger: quietLogger,
    }).start();
    return this;
  }

  async stop(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    await this.projector?.stop();
    await disposeClient(this.client);
    await this.eventStore.stop();
    await deletePrefix(this.redis, this.prefix);
    this.redis.disconnect();
    this.workerRedis.disconnect();
  }

  onStop(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  config(overrides: Partial<ReconcilerConfig> = {}): ReconcilerConfig {
    return Object.assign(new ReconcilerConfig(), {
      EVENTSTORE_URL: this.eventStore.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: this.prefix,
      RESYNC_INTERVAL_MS: 2_000,
      POLL_MS: 200,
      LIVENESS_INTERVAL_MS: 200,
      LEASE_TTL_MS: 3_000,
      ...overrides,
    });
  }

  async append(stream: string, events: DomainEvent[]): Promise<void> {
    const metadata = {
      actor: SYSTEM,
      occurredAt: new Date().toISOString(),
      schemaVersion: CURRENT_SCHEMA_VERSION,
    };
    await this.client.appendToStream(
      stream,
      events.map((e) => toEventData(e, metadata)),
    );
  }

  async command<S, C extends Command, E extends DomainEvent>(
    stream: string,
    decider: Decider<S, C, E>,
    command: C,
  ): Promise<readonly E[]> {
    const outcome = await this.streams.handle(stream, decider, command, { now: new Date(), actor: SYSTEM });
    if (isDomainError(outcome)) throw new Error(`${command.type} refused: ${outcome.message}`);
    return outcome.events;
  }

  async grid(name: string): Promise<void> {
    const sealed = { key_id: 'k', alg: 'A256GCM', iv: 'aQ==', ciphertext: 'Yw==', tag: 'dA==' };
    await this.append(streamName('grid', name), [
      {
        type: 'GridCreated',
        data: {
          name,
          initial_size: 1,
          subnet: '10.81.0.0/16',
          supernet: '10.80.0.0/12',
          data_key_id: 'k',
          token: sealed,
          token_hash: `hash-${name}`,
          users: [],
          default_affinity: [],
          trusted_subnets: [],
          stats: { statsd: null },
          logs: null,
        },
      },
    ]);
  }

  /** A node whose agent registered and is connected (its number is `n`). */
  async node(grid: string, name: string, n: number, labels: string[] = []): Promise<string> {
    const id = `${grid}/${name}`;
    await this.command(streamName('node', id), nodeDecider, {
      type: 'RegisterAgentNode',
      data: {
        grid,
        name,
        node_number: n,
        initial_member: true,
        overlay_ip: `10.81.0.${n}`,
        labels,
        agent_node_id: `AGENT:${name}`,
        token: { key_id: 'k', alg: 'A256GCM', iv: 'aQ==', ciphertext: 'Yw==', tag: 'dA==' },
        token_hash: `node-${name}`,
      },
    });
    await this.command(streamName('node', id), nodeDecider, {
      type: 'ConnectAgent',
      data: {
        agent_node_id: `AGENT:${name}`,
        credential: { kind: 'node_token', token_hash: `node-${name}` },
        labels,
      },
    });
    await this.heartbeat(id);
    return id;
  }

  async heartbeat(nodeId: string): Promise<void> {
    const [seconds, micros] = await this.redis.time();
    await this.redis.hset(
      this.agentData.heartbeats,
      nodeId,
      String(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)),
    );
  }

  async service(grid: string, name: string, definition: Partial<ServiceDefinition> = {}): Promise<string> {
    const id = `${grid}/null/${name}`;
    await this.command(streamName('service', id), serviceDecider, {
      type: 'CreateService',
      data: {
        grid,
        stack: 'null',
        name,
        definition: { ...SERVICE_DEFAULTS, image: 'web:1', stateful: false, ...definition },
      },
    });
    return id;
  }

  async deploy(serviceId: string, deployId: string): Promise<void> {
    await this.command(streamName('service', serviceId), serviceDecider, {
      type: 'DeployService',
      data: { deploy_id: deployId, force: false, stack_deploy_id: null },
    });
  }

  /**
   * A fake agent for `nodeId`: every `ensure-instance` is answered by `answer` (running by default), every
   * `remove-instance` with `removed`; `seen` records every job it ran.
   */
  fakeAgent(
    nodeId: string,
    answer: (job: Extract<AgentJob, { kind: 'ensure-instance' }>) => {
      state: 'running' | 'error';
      error?: string;
    } = () => ({ state: 'running' }),
    delayMs = 0,
  ): { seen: Job<AgentJob>[]; worker: Worker<AgentJob> } {
    const reports = new Queue<AgentReportJob>(QUEUES.reports, {
      connection: this.redis,
      prefix: bullPrefix(this.prefix),
    });
    const seen: Job<AgentJob>[] = [];
    const worker = new Worker<AgentJob>(
      QUEUES.agent(nodeId),
      async (job) => {
        seen.push(job);
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        const data = job.data;
        const at = new Date().toISOString();
        if (data.kind === 'ensure-instance') {
          const a = data.assignment;
          const outcome = a.desiredState === 'stopped' ? { state: 'stopped' as const } : answer(data);
          // As a real agent does: the state with the instance event that led to it, in one report.
          await reports.add(
            'r',
            {
              kind: 'instance-state',
              nodeId,
              instanceId: a.instanceId,
              deployRev: a.deployRev,
              ...outcome,
              at,
              ...(outcome.state !== 'stopped' && {
                event:
                  outcome.state === 'running'
                    ? { type: 'service:start_instance', severity: 'info' as const, message: 'started' }
                    : {
                        type: 'service:create_instance',
                        severity: 'error' as const,
                        message: 'failed to start',
                      },
              }),
            },
            RETENTION,
          );
        } else if (data.kind === 'remove-instance') {
          await reports.add(
            'r',
            {
              kind: 'instance-state',
              nodeId,
              instanceId: data.instanceId,
              deployRev: data.deployRev,
              state: 'removed',
              at,
            },
            RETENTION,
          );
        }
      },
      { connection: this.workerRedis, prefix: bullPrefix(this.prefix), concurrency: 8 },
    );
    this.onStop(async () => {
      await worker.close();
      await reports.close();
    });
    return { seen, worker };
  }

  agentQueue(nodeId: string): Queue<AgentJob> {
    const queue = new Queue<AgentJob>(QUEUES.agent(nodeId), {
      connection: this.redis,
      prefix: bullPrefix(this.prefix),
    });
    this.onStop(() => queue.close());
    return queue;
  }

  /** Events of a stream, as types. */
  async events(stream: string): Promise<DomainEvent[]> {
    const out: DomainEvent[] = [];
    try {
      for await (const { event } of this.client.readStream(stream)) {
        if (event) out.push({ type: event.type, data: event.data as object });
      }
    } catch {
      // no stream yet
    }
    return out;
  }
}

export { until } from '@libs/testing';
