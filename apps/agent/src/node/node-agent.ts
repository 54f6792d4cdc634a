import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { Job, Worker } from 'bullmq';
import type Redis from 'ioredis';
import type { Logger } from 'pino';
import { AgentJob, bullPrefix, QUEUES } from '@libs/queues';
import { AgentDataKeys } from '@libs/read-model';
import { InstanceKeeper } from '../instances/instance-keeper';
import { AgentCredential, MasterApi, MasterNode, MasterRefusal } from '../master/master-api';
import { Reporter } from '../reports/reporter';
import type { InstanceRuntime } from '../runtime';
import { AGENT_VERSION } from '../version';
import { heartbeat } from './heartbeat';
import { AgentIdentity, IdentityStore } from './identity';
import { nodeInfo } from './node-info';

export interface NodeAgentOptions {
  name: string;
  labels: string[];
  dataDir: string;
  api: MasterApi;
  gridToken?: string;
  nodeToken?: string;
  runtime: InstanceRuntime;
  /** Producers (reports, heartbeats): fail fast. */
  redis: Redis;
  /** The job worker's connection (`maxRetriesPerRequest: null`). */
  workerConnection: Redis;
  redisPrefix: string;
  heartbeatMs: number;
  pullMs: number;
  nodeInfoMs: number;
  statsMs: number;
  jobConcurrency: number;
  publicIp?: string;
  privateIp?: string;
  logger: Logger;
}

/** Resolves after `ms`, or at once when the signal aborts (the listener goes either way). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** A CPU usage sample: busy share of all cores since the previous sample. */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, irq, idle } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + irq + idle;
  }
  return { busy, total };
}

/**
 * One node's agent (docs/reconciliation.md, "Agents"): registers with the grid token once and with its node
 * token afterwards (kept in its data directory), beats its heart into Redis, reports what its runtime already
 * runs, converges to what the master assigns (pulled at start and every `pullMs`, as Kontena's agent did) and
 * then works its own queue (`agent-<grid>/<node>`), reporting states, instance events, log lines and stats.
 */
export class NodeAgent {
  private readonly identities: IdentityStore;
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly loops: Promise<void>[] = [];
  private worker?: Worker<AgentJob>;
  private reporter?: Reporter;
  private keeper?: InstanceKeeper;
  private identity!: AgentIdentity;
  private node?: MasterNode;
  private cpu = cpuTimes();

  constructor(private readonly options: NodeAgentOptions) {
    this.identities = new IdentityStore(options.dataDir);
  }

  /** `<grid>/<name>` once registered. */
  get nodeId(): string | undefined {
    return this.node?.id;
  }

  async start(): Promise<void> {
    const { logger, runtime } = this.options;
    this.identity = this.identities.load();
    this.node = await this.register();
    if (this.abort.signal.aborted) return;
    const nodeId = this.node.id;
    const log = logger.child({ node: nodeId });
    const reporter = (this.reporter = new Reporter(this.options.redis, this.options.redisPrefix, nodeId));
    const keeper = (this.keeper = new InstanceKeeper(
      runtime,
      reporter,
      (instanceId) => this.options.api.secrets(nodeId, this.identity.nodeToken!, instanceId),
      { jobGraceMs: 2 * this.options.pullMs },
      log,
    ));

    // Subscribe before listing, so nothing that happens in between is missed (runtime.ts).
    const signal = this.abort.signal;
    this.loops.push(
      (async () => {
        for await (const event of runtime.events({ signal })) {
          await keeper
            .onEvent(event)
            .catch((error) => log.warn({ err: error }, 'could not report an instance event'));
        }
      })(),
      (async () => {
        for await (const batch of runtime.logs({ signal })) {
          reporter.log(
            batch.lines.map((line) => ({
              instanceId: batch.instanceId,
              stream: line.stream,
              data: line.data,
              at: line.at,
            })),
          );
        }
      })(),
    );

    await this.beat();
    this.every(this.options.heartbeatMs, () => this.beat());
    await keeper.adopt();
    await this.pull();

    this.worker = new Worker<AgentJob>(QUEUES.agent(nodeId), (job) => this.run(job), {
      connection: this.options.workerConnection,
      prefix: bullPrefix(this.options.redisPrefix),
      concurrency: this.options.jobConcurrency,
      autorun: false,
    });
    this.worker.on('failed', (job, error) => log.warn({ job: job?.id, err: error }, 'job failed'));
    this.worker.on('error', (error) => log.error({ err: error }, 'job worker error'));
    void this.worker.run();

    this.every(this.options.pullMs, () => this.pull());
    this.every(this.options.nodeInfoMs, async () => {
      this.node = await this.register();
    });
    this.every(this.options.statsMs, () => this.sendStats());
    this.every(1_000, () => reporter.flushLogs());
    log.info({ runtime: runtime.kind, node_number: this.node.node_number }, 'agent joined its grid');
  }

  /** Jobs end, timers stop, the runtime stops supervising: instances keep running for the next agent. */
  async stop(): Promise<void> {
    this.abort.abort();
    for (const timer of this.timers) clearInterval(timer);
    await this.worker?.close();
    await this.options.runtime.close();
    await Promise.allSettled(this.loops);
    await this.reporter?.close();
  }

  private every(ms: number, work: () => Promise<unknown>): void {
    let busy = false;
    this.timers.push(
      setInterval(() => {
        if (busy || this.abort.signal.aborted) return;
        busy = true;
        work()
          .catch((error) =>
            this.options.logger.warn({ node: this.nodeId, err: error }, 'periodic agent work failed'),
          )
          .finally(() => (busy = false));
      }, ms),
    );
  }

  private beat(): Promise<number> {
    return heartbeat(this.options.redis, new AgentDataKeys(this.options.redisPrefix), this.node!.id);
  }

  private async run(job: Job<AgentJob>): Promise<void> {
    const data = job.data;
    const keeper = this.keeper!;
    switch (data.kind) {
      case 'ensure-instance':
        return keeper.ensure(data.assignment, 'job');
      case 'remove-instance':
        return keeper.remove(data.instanceId, data.deployRev, 'job', data.reason);
      case 'restart-instance':
        return keeper.restart(data.instanceId, data.requestId);
    }
  }

  private async pull(): Promise<void> {
    const assignments = await this.options.api.servicePods(this.node!.id, this.identity.nodeToken!);
    await this.keeper!.converge(assignments);
  }

  private gridToken(): string | undefined {
    return this.options.gridToken ?? this.identities.gridTokenFile();
  }

  private credential(): AgentCredential | undefined {
    if (this.identity.nodeToken) return { kind: 'node', token: this.identity.nodeToken };
    if (this.options.nodeToken) return { kind: 'node', token: this.options.nodeToken };
    const grid = this.gridToken();
    return grid ? { kind: 'grid', token: grid } : undefined;
  }

  /**
   * `PUT /v1/nodes/:agent_node_id` until it answers: with the node token once the agent has one, the grid token
   * before. A node token the master no longer knows (an admin cleared it) falls back to the grid token, which
   * the master then lets in with a new node token (docs/architecture.md, "Agent registration").
   */
  private async register(): Promise<MasterNode> {
    const { api, logger, name, labels } = this.options;
    let waitingLogged = false;
    let delay = 500;
    while (!this.abort.signal.aborted) {
      const credential = this.credential();
      if (!credential) {
        if (!waitingLogged) {
          logger.info(
            { dataDir: this.options.dataDir },
            `waiting for a grid token: set GRID_TOKEN, or write it to ${this.options.dataDir}/grid-token`,
          );
          waitingLogged = true;
        }
        await sleep(1_000, this.abort.signal);
        continue;
      }
      try {
        const info = nodeInfo({
          name,
          labels,
          agentVersion: AGENT_VERSION,
          publicIp: this.options.publicIp,
          privateIp: this.options.privateIp,
        });
        const node = await api.register(this.identity.agentNodeId, credential, info);
        const nodeToken = node.node_token ?? (credential.kind === 'node' ? credential.token : null);
        if (nodeToken !== this.identity.nodeToken || node.id !== this.identity.nodeId) {
          this.identity = { ...this.identity, nodeToken, nodeId: node.id };
          this.identities.save(this.identity);
        }
        const { node_token: _secret, ...shown } = node;
        if (!this.node)
          logger.info({ node: shown.id, node_number: shown.node_number }, 'registered with the master');
        return node;
      } catch (error) {
        const refusal = error instanceof MasterRefusal ? error : undefined;
        if (refusal?.closeCode === 4002 && credential.kind === 'node' && this.gridToken()) {
          logger.warn('the master no longer knows this node token: registering again with the grid token');
          this.identity = { ...this.identity, nodeToken: null };
          this.identities.save(this.identity);
          continue;
        }
        logger.warn(
          { err: refusal?.message ?? (error as Error).message, retryInMs: delay },
          'could not register with the master',
        );
        await sleep(delay, this.abort.signal);
        delay = Math.min(delay * 2, 10_000);
      }
    }
    throw new Error('stopped before registering');
  }

  private async sendStats(): Promise<void> {
    const now = cpuTimes();
    const busy = now.busy - this.cpu.busy;
    const total = now.total - this.cpu.total;
    this.cpu = now;
    const memTotal = totalmem();
    const free = freemem();
    const samples = await this.options.runtime.stats();
    const [l1, l5, l15] = loadavg();
    await this.reporter!.stats({
      at: new Date().toISOString(),
      node: {
        cpu_usage_pct: total > 0 ? Math.round((busy / total) * 1000) / 10 : 0,
        cores: cpus().length,
        memory: { total: memTotal, used: memTotal - free, free, cached: 0, buffers: 0 },
        load: [l1, l5, l15],
      },
      instances: samples.map((s) => ({
        instanceId: s.instanceId,
        cpu_pct: s.cpu_pct,
        memory_bytes: s.memory_bytes,
        memory_limit: s.memory_limit,
        network: s.network,
      })),
    });
  }
}
