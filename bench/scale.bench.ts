/**
 * `npm run bench:scale` (issue 4): the whole system places and runs many instances on many nodes. One agent
 * process runs `SCALE_NODES` hollow nodes; services are created and scaled to `SCALE_INSTANCES` instances in
 * total; the clock runs from the first scale request until every instance is reported running by its node at
 * the scale's deploy (the instance read models, which only agents' reports change). Measured in the same run:
 * the ceiling, the pure scheduler placing the same instances of the same services on the same nodes; and the
 * floor (`transport-floor.ts`), the CPU the messages the design requires per instance cost alone (a job to the
 * node and a report back, the instance's events appended and projected), which bounds the placements/s these
 * cores can reach whatever the reconciler and the agent do.
 *
 *   SCALE_NODES=50 SCALE_INSTANCES=1000 SCALE_SERVICES=10 npm run bench:scale
 *
 * `SCALE_RECONCILER_ARGS` passes flags to the reconciler's node. `APP_CPU_PROF_DIR=/tmp/prof` profiles every process
 * (`node dist/bench/profile-summary.js /tmp/prof` sums the profiles up).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { EventStoreDBClient } from '@eventstore/db-client';
import type Redis from 'ioredis';
import { gridIndexes, NodeDoc, ReadModelReader, serviceIndexes, ServiceInstanceDoc } from '@libs/read-model';
import { scheduleWorkload, SchedulingNode, SchedulingService, seededRng } from '@libs/scheduler';
import {
  AppProcess,
  currentReader,
  RunningSystem,
  startApp,
  startSystem,
  testRedis,
  until,
} from '@libs/testing';
import { children, cpuSeconds, memory, redisServerPid } from './processes';
import {
  cpuPerInstanceMs,
  eventFloor,
  FloorPart,
  queueFloor,
  sampleInstance,
} from './transport-floor';

const NODES = Number(process.env.SCALE_NODES ?? 500);
const INSTANCES = Number(process.env.SCALE_INSTANCES ?? 10_000);
const SERVICES = Number(process.env.SCALE_SERVICES ?? 20);
const STRATEGY = process.env.SCALE_STRATEGY ?? 'ha';
/** Gives up (and says how far it got) after this long from the first scale request. */
const TIMEOUT_S = Number(process.env.SCALE_TIMEOUT_S ?? 300);
/** Gives up if the nodes have not all joined after this long. */
const JOIN_TIMEOUT_S = Number(process.env.SCALE_JOIN_TIMEOUT_S ?? 180);
/** The reconciler's log level (`debug` logs every pass that did something). */
const RECONCILER_LOG_LEVEL = process.env.SCALE_RECONCILER_LOG_LEVEL ?? 'warn';
/** If set, every process's log is written there at the end, one file per process. */
const LOG_DIR = process.env.SCALE_LOG_DIR;
const RECONCILER_ARGS = (process.env.SCALE_RECONCILER_ARGS ?? '').split(' ').filter(Boolean);
/** Kontena numbers a grid's nodes 1..254, so a larger fleet spans grids; services are spread over them too. */
const GRIDS = Number(process.env.SCALE_GRIDS ?? Math.ceil(NODES / 254));
const gridName = (g: number) => `scale-${g + 1}`;
const gridOf = (s: number) => gridName(s % GRIDS);
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Instances per service: `INSTANCES` spread over `SERVICES`, the first ones taking the remainder. */
function instancesOf(s: number): number {
  return Math.floor(INSTANCES / SERVICES) + (s < INSTANCES % SERVICES ? 1 : 0);
}

const serviceName = (s: number) => `svc-${s}`;

/**
 * Instances already seen running at the deploy that placed them. Reading all 10,000 instance documents twice a
 * second took ~9% of the machine from the system it measures (the bench and redis-server share its two cores);
 * the polls skip these, and the final count reads every document again.
 */
const seenRunning = new Set<string>();

/** How many instances of each service run the deploy that placed them, as their nodes reported. */
async function countRunning(r: ReadModelReader, { all = false } = {}): Promise<number> {
  if (all) seenRunning.clear();
  for (let s = 0; s < SERVICES; s++) {
    const ids = await r.ids(serviceIndexes.instances(`${gridOf(s)}/null/${serviceName(s)}`));
    const docs = await r.docs<ServiceInstanceDoc>(
      'instance',
      ids.filter((id) => !seenRunning.has(id)),
    );
    for (const d of docs)
      if (d.state === 'running' && d.deploy_rev !== null && d.rev === d.deploy_rev)
        seenRunning.add(`${d.service_id}/${d.instance_number}`);
  }
  return seenRunning.size;
}

/** The same placement work as the scheduler's own: each grid's services on its nodes, one after another. */
function ceiling(nodeDocs: NodeDoc[], runs = 5): { rate: number; placements: number } {
  const workloads = Array.from({ length: GRIDS }, (_, g) => {
    const nodes: SchedulingNode[] = nodeDocs
      .filter((doc) => doc.id.startsWith(`${gridName(g)}/`))
      .map((doc) => ({
        id: doc.id,
        name: doc.name,
        nodeNumber: doc.node_number,
        labels: doc.labels,
        availability: doc.availability,
        cpus: doc.cpus ?? undefined,
        memory: doc.mem_total !== null ? { total: doc.mem_total, used: 0, cached: 0, buffers: 0 } : undefined,
        volumeDrivers: doc.volume_drivers.map((d) => d.name),
        containers: [],
      }));
    const services: SchedulingService[] = [];
    for (let s = g; s < SERVICES; s += GRIDS) {
      services.push({
        id: `${gridOf(s)}/null/${serviceName(s)}`,
        grid: gridOf(s),
        stack: 'null',
        name: serviceName(s),
        strategy: STRATEGY as SchedulingService['strategy'],
        stateful: false,
        instances: instancesOf(s),
        affinity: [],
        ports: [],
        volumes: [],
        volumesFrom: [],
        net: 'bridge',
      });
    }
    return { nodes, services, previous: new Map() };
  });
  const scheduleAll = (seed: number) =>
    workloads.reduce((n, workload) => n + scheduleWorkload(workload, seededRng(seed)).placements, 0);
  scheduleAll(0); // warm up the JIT
  const rates: number[] = [];
  let placements = 0;
  for (let r = 1; r <= runs; r++) {
    const started = performance.now();
    placements = scheduleAll(r);
    rates.push(placements / ((performance.now() - started) / 1000));
  }
  rates.sort((a, b) => a - b);
  return { rate: rates[Math.floor(runs / 2)], placements };
}

async function main(): Promise<void> {
  say(
    `bench:scale on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB ` +
      `(${(freemem() / 2 ** 30).toFixed(0)} free), node ${process.version}, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  say(
    `${NODES} hollow nodes in ${GRIDS} grid(s), ${SERVICES} services (${STRATEGY}, stateless), ${fmt(INSTANCES)} instances in total`,
  );
  const redis = testRedis();
  let system: RunningSystem | undefined;
  let agent: AppProcess | undefined;
  const bail = (signal: NodeJS.Signals) => {
    say(`\n${signal}: stopping every process`);
    void stopAll().finally(() => process.exit(130));
  };
  const stopAll = async () => {
    if (LOG_DIR) {
      mkdirSync(LOG_DIR, { recursive: true });
      for (const app of [...(system?.apps.values() ?? []), ...(agent ? [agent] : [])])
        writeFileSync(join(LOG_DIR, `${app.name}.log`), app.logs.join('\n'));
    }
    // A profiled fleet must exit by itself to write its profile; otherwise there is no reason to wait for it.
    if (process.env.APP_CPU_PROF_DIR) await agent?.stop();
    else await agent?.kill('SIGKILL');
    await system?.stop();
    redis.disconnect();
  };
  process.once('SIGINT', bail);
  process.once('SIGTERM', bail);
  try {
    system = await startSystem();
    const reconciler = await system.startApp(
      'reconciler',
      { LOG_LEVEL: RECONCILER_LOG_LEVEL },
      'main',
      RECONCILER_ARGS,
    );
    const tokens: string[] = [];
    for (let g = 0; g < GRIDS; g++) {
      const grid = await system.admin.post('/v1/grids', { name: gridName(g) });
      if (grid.status !== 201) throw new Error(`creating a grid failed: ${grid.status} ${grid.text}`);
      tokens.push(grid.body.token);
    }

    const joinStarted = performance.now();
    agent = startApp('agent', {
      ...system.env,
      LOG_LEVEL: 'warn',
      API_URL: system.api.baseUrl,
      GRID_TOKEN: tokens.join(','),
      NODE_NAME: 'hollow',
      HOLLOW_NODES: String(NODES),
      AGENT_DATA_DIR: join(system.dataDir, 'agents'),
    });
    let shown = Date.now();
    const nodeDocs = await until(
      `${NODES} nodes are connected`,
      async () => {
        if (agent!.pid === undefined || (await Promise.race([agent!.exited.then(() => true), sleep(0)])))
          throw new Error(`the agent process exited:\n${agent!.logs.slice(-20).join('\n')}`);
        const r = await currentReader(redis, system!.redisPrefix);
        const docs: NodeDoc[] = [];
        for (let g = 0; g < GRIDS; g++) {
          const names = await r.ids(gridIndexes.nodes(gridName(g)));
          docs.push(
            ...(await r.docs<NodeDoc>(
              'node',
              names.map((n) => `${gridName(g)}/${n}`),
            )),
          );
        }
        const connected = docs.filter((d) => d.connected && d.cpus !== null);
        if (Date.now() - shown > 10_000) {
          shown = Date.now();
          say(`  ${docs.length} nodes created, ${connected.length} connected and reporting`);
        }
        return connected.length >= NODES ? connected : undefined;
      },
      JOIN_TIMEOUT_S * 1000,
      { intervalMs: 500 },
    ).catch((error: Error) => {
      // What the fleet said last is why it did not join.
      throw new Error(`${error.message} after ${JOIN_TIMEOUT_S} s\n${agent!.logs.slice(-10).join('\n')}`);
    });
    say(`nodes joined in ${((performance.now() - joinStarted) / 1000).toFixed(1)} s`);

    for (let s = 0; s < SERVICES; s++) {
      const created = await system.admin.post(`/v1/grids/${gridOf(s)}/services`, {
        name: serviceName(s),
        image: 'bench/hollow:1',
        stateful: false,
        strategy: STRATEGY,
        instances: 0,
      });
      if (created.status !== 201)
        throw new Error(`creating ${serviceName(s)} failed: ${created.status} ${created.text}`);
    }

    // What the fleet costs before any instance exists (heartbeats, node info, idle queues): that much of
    // the two cores is not available to placing instances, because the simulated nodes share the machine.
    const idleSeconds = 10;
    const redisPid = await redisServerPid(redis);
    const processes = [...children()];
    if (redisPid !== undefined) processes.push(['redis-server', redisPid]);
    const idleBefore = processes.map(([, p]) => cpuSeconds(p));
    await sleep(idleSeconds * 1000);
    const idleCpu = processes.map(
      ([name, p], k) => `${name} ${(((cpuSeconds(p) - idleBefore[k]) / idleSeconds) * 100).toFixed(1)}%`,
    );

    const pid = reconciler.pid!;
    const cpuBefore = cpuSeconds(pid);
    const others = [...children()].filter(([name]) => name !== 'reconciler');
    if (redisPid !== undefined) others.push(['redis-server', redisPid]);
    const othersBefore = others.map(([, other]) => cpuSeconds(other));
    let peakRss = memory(pid).rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, memory(pid).rss)), 250);

    const benchCpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let s = 0; s < SERVICES; s++) {
      const scaled = await system.admin.post(`/v1/services/${gridOf(s)}/null/${serviceName(s)}/scale`, {
        instances: instancesOf(s),
      });
      if (scaled.status !== 200)
        throw new Error(`scaling ${serviceName(s)} failed: ${scaled.status} ${scaled.text}`);
    }
    const requested = (performance.now() - started) / 1000;

    let running = 0;
    let lastShown = 0;
    const deadline = started + TIMEOUT_S * 1000;
    while (running < INSTANCES && performance.now() < deadline) {
      await sleep(500);
      running = await countRunning(await currentReader(redis, system.redisPrefix));
      // The clock stops only when a full read agrees.
      if (running === INSTANCES)
        running = await countRunning(await currentReader(redis, system.redisPrefix), { all: true });
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed - lastShown >= 5 || running === INSTANCES) {
        say(`  ${elapsed.toFixed(1)} s: ${fmt(running)} running`);
        lastShown = elapsed;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    clearInterval(sampler);
    const cpu = cpuSeconds(pid) - cpuBefore;
    const othersSeconds = others.map(([, other], k) => cpuSeconds(other) - othersBefore[k]);
    const othersCpu = others.map(([name], k) => `${name} ${othersSeconds[k].toFixed(1)} s`);
    // Hosts of the same kind differ by up to 3x in speed, and a run's wall time with them: the CPU all the
    // processes spent per instance is the figure to compare across runs and machines.
    const allCpu = cpu + othersSeconds.reduce((sum, s) => sum + s, 0);
    const allCpuPerInstanceMs = (allCpu / Math.max(1, running)) * 1e3;
    if (running < INSTANCES) {
      say(`\nGAVE UP after ${TIMEOUT_S} s: ${fmt(running)} of ${fmt(INSTANCES)} instances running.`);
      process.exitCode = 2;
    }

    const rate = running / seconds;
    const top = ceiling(nodeDocs);
    const floor = running === INSTANCES ? await measureFloor(system, redis, redisPid) : undefined;
    say('');
    say('| measurement | result |');
    say('|---|---:|');
    say(`| scale requests (${SERVICES}, sequential) | ${requested.toFixed(2)} s |`);
    say(
      `| time until all ${fmt(INSTANCES)} instances run | ${running === INSTANCES ? `${seconds.toFixed(1)} s` : `not reached (${fmt(running)} after ${seconds.toFixed(0)} s)`} |`,
    );
    say(`| placements/s (instances running / time) | ${fmt(rate)} |`);
    say(
      `| ceiling: pure scheduler, same services on the same nodes (median of 5) | ${fmt(top.rate)} placements/s (${fmt(top.placements)} placed) |`,
    );
    say(`| ratio to the ceiling | ${((rate / top.rate) * 100).toFixed(2)}% |`);
    say(
      `| reconciler CPU | ${cpu.toFixed(1)} s (${((cpu / seconds) * 100).toFixed(0)}% of one core, ${((cpu / Math.max(1, running)) * 1e6).toFixed(0)} µs per instance) |`,
    );
    say(`| reconciler RSS peak during the run | ${(peakRss / 2 ** 20).toFixed(0)} MB |`);
    say(
      `| other processes' CPU during the run${redisPid === undefined ? ' (redis-server elsewhere: not measured)' : ''} | ${othersCpu.join(', ')} |`,
    );
    say(
      `| all of them, per instance running | ${allCpuPerInstanceMs.toFixed(2)} ms (${(allCpu / seconds).toFixed(2)} cores busy on average) |`,
    );
    if (floor) {
      const queueMs = cpuPerInstanceMs(floor.queues);
      const eventMs = cpuPerInstanceMs(floor.events);
      say(
        `| floor, queues: one \`ensure-instance\` job to a node and one report back, nothing else (${fmt(floor.queues.instances)} at ${fmt(floor.queues.instances / floor.queues.seconds)}/s) | ${queueMs.toFixed(2)} ms CPU per instance (${describeCpu(floor.queues)}) |`,
      );
      say(
        `| floor, events: an instance's four events, appended 20 instances at a time and projected, nothing else (${fmt(floor.events.instances)} at ${fmt(floor.events.instances / floor.events.seconds)}/s) | ${eventMs.toFixed(2)} ms CPU per instance (${describeCpu(floor.events)}) |`,
      );
      say(
        `| floor, both: placements/s these ${cpus().length} cores could reach if nothing else ran | ${fmt((cpus().length * 1e3) / (queueMs + eventMs))} |`,
      );
      say(
        `| this run's CPU per instance against the floor's | ${(allCpuPerInstanceMs / (queueMs + eventMs)).toFixed(2)}× |`,
      );
    }
    say(
      `| this bench's own CPU during the run (requests, polling the read models) | ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(1)} s |`,
    );
    say(`| idle load of the joined fleet before scaling (% of one core) | ${idleCpu.join(', ')} |`);
    say(
      `\nTargets (issue 4): all running within 30 s — ${running === INSTANCES && seconds <= 30 ? 'met' : 'missed'}; ` +
        `at least 1,000 placements/s — ${rate >= 1000 ? 'met' : 'missed'}. Load average now ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}.`,
    );
  } finally {
    await stopAll();
  }
}

/**
 * Waits (at most `maxSeconds`) until the processes together use less than a tenth of a core: the run's last
 * reports, deploys' last passes and read-model updates must not count as the floor's.
 */
async function settled(pids: number[], maxSeconds: number): Promise<void> {
  for (let waited = 0; waited < maxSeconds; waited++) {
    const before = pids.map((p) => cpuSeconds(p));
    await sleep(1000);
    if (pids.reduce((sum, p, k) => sum + cpuSeconds(p) - before[k], 0) < 0.1) return;
  }
}

/** `name 1.2 s` for each process of a floor measurement. */
function describeCpu(part: FloorPart): string {
  return Object.entries(part.cpu)
    .map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`)
    .join(', ');
}

/**
 * The design's floor (`bench/transport-floor.ts`), measured once the run is over and the system is idle, with
 * an instance of the run as the payload and the run's numbers: every instance, on every node, as many in
 * flight as the deploys allow (`min_health` 0.8: a fifth of a service's instances, 1 to 20), the agent's and
 * the reconciler's worker concurrency.
 */
async function measureFloor(
  system: RunningSystem,
  redis: Redis,
  redisPid: number | undefined,
): Promise<{ queues: FloorPart; events: FloorPart }> {
  const client = EventStoreDBClient.connectionString(system.eventStoreUrl);
  const sample = await sampleInstance(client, `${gridOf(0)}/null/${serviceName(0)}`).finally(() =>
    client.dispose(),
  );
  let inFlight = 0;
  for (let s = 0; s < SERVICES; s++) inFlight += Math.min(20, Math.max(1, Math.floor(instancesOf(s) * 0.2)));
  const apps = children();
  // The fleet's own idle load (heartbeats, pulls) goes on throughout and is not waited out.
  await settled(
    [...apps].filter(([name]) => name !== 'agent').map(([, pid]) => pid),
    30,
  );
  const processes: [string, number][] = ['eventstore', 'projector']
    .filter((name) => apps.has(name))
    .map((name) => [name, apps.get(name)!]);
  if (redisPid !== undefined) processes.push(['redis-server', redisPid]);
  const events = await eventFloor({
    eventStoreUrl: system.eventStoreUrl,
    sample,
    perService: Array.from({ length: SERVICES }, (_, s) => instancesOf(s)),
    perAppend: 20,
    processes,
    projectedUpTo: async () => {
      const checkpoint = await (await currentReader(redis, system.redisPrefix)).checkpoint();
      return BigInt(checkpoint?.split('/')[0] ?? 0);
    },
  });
  const queues = await queueFloor({
    redisUrl: system.env.REDIS_URL,
    sample,
    instances: INSTANCES,
    nodes: NODES,
    inFlight,
    concurrency: 16,
    reportConcurrency: 64,
    redisServerPid: redisPid,
  });
  return { queues, events };
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
