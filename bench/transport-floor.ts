/**
 * The floor under bench:scale: per instance, the messages the design requires (DESIGN.md §3–§6) and nothing
 * else, through the same libraries, queues and event store, measured in the same run.
 *
 * - **queues**: one `ensure-instance` job to the instance's node queue, taken by a worker with the agent's
 *   concurrency, answered by one state report on `agent-reports`, taken by the master's worker, which sends
 *   the next job. The payloads are the run's own (a real instance's assignment and report); no work is done
 *   between the messages.
 * - **events**: an instance's four events (`InstancePlaced`, `InstanceDeployStarted`, `InstanceStateReported`,
 *   `InstanceDeployFinished`, copied from the run's streams) appended as passes and report batches append
 *   them, with expected revisions and as many instances per append as a deploy has in flight, until the
 *   projector, following `$all`, has applied the last of them to Redis.
 *
 * Each part's CPU is the sum over every process it involves (this one, the node side, the event store, the
 * projector, redis-server). What the whole system spends per instance above the sum is the reconciler's and
 * the agent's own work: folds, plans, the runtime, the pull, heartbeats, telemetry.
 */
import { fork } from 'node:child_process';
import { EventStoreDBClient, jsonEvent, NO_STREAM, ResolvedEvent } from '@eventstore/db-client';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { AgentJob, AgentReportJob, bullPrefix, QUEUES, RETENTION, RETRYING } from '@libs/queues';
import { cpuSeconds, ownCpuSeconds } from './processes';

export interface FloorPart {
  instances: number;
  seconds: number;
  /** CPU seconds by process. */
  cpu: Record<string, number>;
}

export const cpuPerInstanceMs = (part: FloorPart) =>
  (Object.values(part.cpu).reduce((sum, s) => sum + s, 0) / part.instances) * 1e3;

/** An instance as the run recorded it: its events and the job and report that went with them. */
export interface InstanceSample {
  events: Record<'placed' | 'started' | 'reported' | 'finished', RecordedEvent>;
  job: AgentJob;
  report: AgentReportJob;
}

interface RecordedEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Reads the first instance of `serviceId` out of the run's streams. */
export async function sampleInstance(client: EventStoreDBClient, serviceId: string): Promise<InstanceSample> {
  const placement = await readAll(client, `placement-${serviceId}`);
  const placed = placement.find((e) => e.type === 'InstancePlaced');
  if (!placed) throw new Error(`no InstancePlaced in placement-${serviceId}`);
  const number = placed.data.instance_number as number;
  const reported = placement.find(
    (e) =>
      e.type === 'InstanceStateReported' &&
      (e.data.instance_number as number) === number &&
      e.data.state === 'running',
  );
  const deployId = placed.data.deploy_rev as string;
  const deploy = await readAll(client, `deploy-${deployId}`);
  const started = deploy.find(
    (e) => e.type === 'InstanceDeployStarted' && (e.data.instance_number as number) === number,
  );
  const finished = deploy.find(
    (e) => e.type === 'InstanceDeployFinished' && (e.data.instance_number as number) === number,
  );
  if (!reported || !started || !finished)
    throw new Error(`instance ${number} of ${serviceId} has not all its events`);
  const instanceId = `${serviceId}/${number}`;
  const nodeId = `${serviceId.split('/')[0]}/${placed.data.node as string}`;
  return {
    events: { placed, started, reported, finished },
    job: {
      kind: 'ensure-instance',
      assignment: {
        instanceId,
        serviceId,
        instanceNumber: number,
        deployRev: deployId,
        desiredState: 'running',
        pod: placed.data.pod as never,
      },
    },
    report: {
      kind: 'instance-state',
      nodeId,
      instanceId,
      deployRev: deployId,
      state: 'running',
      health: null,
      ports: [],
      at: new Date().toISOString(),
      event: {
        type: 'service:start_instance',
        severity: 'info',
        message: `service instance ${instanceId} started`,
      },
    },
  };
}

async function readAll(client: EventStoreDBClient, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const resolved of client.readStream(stream) as AsyncIterable<ResolvedEvent>) {
    if (resolved.event) events.push({ type: resolved.event.type, data: resolved.event.data as never });
  }
  return events;
}

/**
 * The events of `perService[s]` instances of each service s, as batched as a deploy lets them be: each
 * service's instances `perAppend` at a time (a deploy's most in flight), a pass appending their placements and
 * deploy starts (two streams, at once), a report batch appending their states, and a pass their finished
 * deploys, each append with its stream's expected revision. Services run side by side, as in the run.
 */
export async function eventFloor(options: {
  eventStoreUrl: string;
  sample: InstanceSample;
  /** How many instances each service has. */
  perService: number[];
  perAppend: number;
  /** Processes whose CPU counts (the event store, the projector, redis-server). */
  processes: [string, number][];
  /** The commit position up to which the read models are projected. */
  projectedUpTo: () => Promise<bigint>;
}): Promise<FloorPart> {
  const client = EventStoreDBClient.connectionString(options.eventStoreUrl);
  const run = `floor${Date.now().toString(36)}`;
  const { placed, started, reported, finished } = options.sample.events;
  const instances = options.perService.reduce((sum, count) => sum + count, 0);
  const revisions = new Map<string, bigint>();
  let last = 0n;
  const append = async (stream: string, event: RecordedEvent, numbers: number[]) => {
    const result = await client.appendToStream(
      stream,
      numbers.map((number) =>
        jsonEvent({ type: event.type, data: { ...event.data, instance_number: number } }),
      ),
      { expectedRevision: revisions.get(stream) ?? NO_STREAM },
    );
    revisions.set(stream, result.nextExpectedRevision);
    if (result.position && result.position.commit > last) last = result.position.commit;
  };
  try {
    // Warm the connection first: its set-up is no part of the floor.
    await client.appendToStream(`${run}warmup`, jsonEvent({ type: 'FloorWarmedUp', data: {} }));
    const before = options.processes.map(([, pid]) => cpuSeconds(pid));
    const mine = ownCpuSeconds();
    const t0 = performance.now();
    await Promise.all(
      options.perService.map(async (count, s) => {
        const placement = `placement-${run}/null/svc-${s}`;
        const deploy = `deploy-${run}-${s}`;
        for (let first = 1; first <= count; first += options.perAppend) {
          const numbers = Array.from(
            { length: Math.min(options.perAppend, count - first + 1) },
            (_, k) => first + k,
          );
          await Promise.all([append(placement, placed, numbers), append(deploy, started, numbers)]);
          await append(placement, reported, numbers);
          await append(deploy, finished, numbers);
        }
      }),
    );
    // Until the projector has applied the last of them: projecting is part of recording an event.
    while ((await options.projectedUpTo()) < last) await new Promise((resolve) => setTimeout(resolve, 20));
    const seconds = (performance.now() - t0) / 1000;
    const cpu: Record<string, number> = { bench: ownCpuSeconds() - mine };
    options.processes.forEach(([name, pid], k) => (cpu[name] = cpuSeconds(pid) - before[k]));
    return { instances, seconds, cpu };
  } finally {
    await client.dispose();
  }
}

interface NodeSideMessage {
  ready?: true;
}

/**
 * One job to a node and one report back per instance, `inFlight` at once over `nodes` node queues. The node
 * side runs in a child process (the agent's), each node queue with its own worker of `concurrency`.
 */
export async function queueFloor(options: {
  redisUrl: string;
  sample: InstanceSample;
  instances: number;
  nodes: number;
  inFlight: number;
  concurrency: number;
  reportConcurrency: number;
  redisServerPid?: number;
}): Promise<FloorPart> {
  const prefix = bullPrefix(`floor${process.pid}${Date.now().toString(36)}:`);
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const child = fork(__filename, [], {
    env: {
      ...process.env,
      FLOOR_ROLE: 'nodes',
      FLOOR_REDIS_URL: options.redisUrl,
      FLOOR_PREFIX: prefix,
      FLOOR_NODES: String(options.nodes),
      FLOOR_CONCURRENCY: String(options.concurrency),
      FLOOR_REPORT: JSON.stringify(options.sample.report),
    },
  });
  const queues = Array.from(
    { length: options.nodes },
    (_, n) => new Queue<AgentJob>(QUEUES.agent(`floor/node-${n}`), { connection, prefix }),
  );
  let worker: Worker<AgentReportJob> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', (message: NodeSideMessage) => (message.ready ? resolve() : reject()));
      child.once('exit', (code) => reject(new Error(`the node side exited (${code})`)));
    });
    let sent = 0;
    let done = 0;
    let allDone!: () => void;
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    const send = async () => {
      const i = sent++;
      const { assignment } = options.sample.job as Extract<AgentJob, { kind: 'ensure-instance' }>;
      const instanceId = `${assignment.serviceId}/${i + 1}`;
      const job: AgentJob = {
        kind: 'ensure-instance',
        assignment: { ...assignment, instanceId, instanceNumber: i + 1 },
      };
      await queues[i % options.nodes].add(job.kind, job, {
        jobId: `ensure/${instanceId}/${assignment.deployRev}/1`,
        ...RETENTION,
        attempts: 5,
        backoff: { type: 'exponential', delay: 1_000 },
      });
    };
    const before = [cpuSeconds(child.pid!), options.redisServerPid ? cpuSeconds(options.redisServerPid) : 0];
    const mine = ownCpuSeconds();
    const t0 = performance.now();
    worker = new Worker<AgentReportJob>(
      QUEUES.reports,
      async () => {
        if (++done === options.instances) allDone();
        else if (sent < options.instances) await send();
      },
      { connection: workerConnection, prefix, concurrency: options.reportConcurrency },
    );
    await Promise.all(Array.from({ length: Math.min(options.inFlight, options.instances) }, () => send()));
    await finished;
    const seconds = (performance.now() - t0) / 1000;
    const cpu: Record<string, number> = {
      master: ownCpuSeconds() - mine,
      nodes: cpuSeconds(child.pid!) - before[0],
    };
    if (options.redisServerPid) cpu['redis-server'] = cpuSeconds(options.redisServerPid) - before[1];
    return { instances: options.instances, seconds, cpu };
  } finally {
    child.kill('SIGKILL');
    await worker?.close();
    await Promise.all(queues.map((q) => q.obliterate({ force: true }).then(() => q.close())));
    const reports = new Queue(QUEUES.reports, { connection, prefix });
    await reports.obliterate({ force: true });
    await reports.close();
    connection.disconnect();
    workerConnection.disconnect();
  }
}

/** The node side of `queueFloor`: a worker per node queue answers each job with the sample's report. */
function nodeSide(): void {
  const env = process.env;
  const prefix = env.FLOOR_PREFIX!;
  const connection = new Redis(env.FLOOR_REDIS_URL!, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(env.FLOOR_REDIS_URL!, { maxRetriesPerRequest: null });
  const template = JSON.parse(env.FLOOR_REPORT!) as AgentReportJob & { instanceId: string };
  const reports = new Queue<AgentReportJob>(QUEUES.reports, { connection, prefix });
  for (let n = 0; n < Number(env.FLOOR_NODES); n++) {
    new Worker<AgentJob>(
      QUEUES.agent(`floor/node-${n}`),
      async (job) => {
        const data = job.data as Extract<AgentJob, { kind: 'ensure-instance' }>;
        const report = { ...template, instanceId: data.assignment.instanceId, at: new Date().toISOString() };
        await reports.add(report.kind, report, { ...RETENTION, ...RETRYING });
      },
      { connection: workerConnection, prefix, concurrency: Number(env.FLOOR_CONCURRENCY) },
    );
  }
  process.send!({ ready: true } satisfies NodeSideMessage);
}

if (process.env.FLOOR_ROLE === 'nodes') nodeSide();
