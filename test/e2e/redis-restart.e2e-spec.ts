/**
 * Issue 4 (b), chaos: Redis restarted under load, and everything recovers without restarting an app. The
 * system runs against a private redis-server without persistence, so it comes back EMPTY: read models,
 * checkpoints, heartbeats and BullMQ queues are gone, only the event store still has everything. The apps
 * must notice and rebuild what lived in Redis by themselves.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import Redis from 'ioredis';
import { EventStoreDBClient } from '@eventstore/db-client';
import { comparePositions, disposeClient, headOfAll, positionFromString } from '@libs/eventstore';
import { currentGeneration, ReadModelKeys, ServiceInstanceDoc } from '@libs/read-model';
import { AppProcess, dumpPrefix, RunningSystem, serviceInstances, startApp, startSystem } from '@libs/testing';
import { until } from './support/until';

jest.setTimeout(60_000);

const GRID = 'chaos';
const RECONCILER_ENV = {
  NODE_OFFLINE_AFTER_MS: '4000',
  LIVENESS_INTERVAL_MS: '500',
  GRACE_PERIOD_MS: '1000',
  RESYNC_INTERVAL_MS: '2000',
  POLL_MS: '300',
  RESCHEDULE_BACKOFF_MS: '2000',
  LEASE_TTL_MS: '3000',
};

let port: number;
let redisServer: ChildProcess | undefined;
let redis: Redis;
let system: RunningSystem | undefined;
let agent: AppProcess | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return free;
}

/** A redis-server without persistence: killed and started again, it is empty. */
async function startRedisServer(): Promise<void> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  redisServer = child;
  // Even when jest itself is ended before afterAll runs.
  process.once('exit', () => child.kill('SIGKILL'));
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await until(
      `redis-server answers on port ${port}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}`);
        if (probe.status !== 'ready') await probe.connect().catch(() => undefined);
        return (await probe.ping()) === 'PONG';
      },
      10_000,
      50,
    );
  } finally {
    probe.disconnect();
  }
}

async function killRedisServer(): Promise<void> {
  const child = redisServer;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

function instances(service: string): Promise<ServiceInstanceDoc[]> {
  return serviceInstances(redis, system!.redisPrefix, `${GRID}/null/${service}`);
}

beforeAll(async () => {
  port = await freePort();
  await startRedisServer();
  redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 2, retryStrategy: () => 100 });
  system = await startSystem({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  const reconciler = await system.startApp('reconciler', RECONCILER_ENV);
  // The chaos is Redis lost under load, not during a start: the reconciler's boot takes seconds here.
  await reconciler.waitForLog((line) => line.msg === 'reconciler started', 30_000);
  const grid = await system.admin.post('/v1/grids', { name: GRID, initial_size: 1 });
  expect(grid.status).toBe(201);
  agent = startApp('agent', {
    ...system.env,
    API_URL: system.api.baseUrl,
    GRID_TOKEN: grid.body.token,
    NODE_NAME: 'hollow',
    HOLLOW_NODES: '2',
    AGENT_DATA_DIR: join(system.dataDir, 'hollow'),
    HEARTBEAT_INTERVAL_MS: '300',
    PULL_INTERVAL_MS: '2000',
  });
  await agent.waitForLog((line) => line.msg === 'agent started', 30_000);
}, 60_000);

afterAll(async () => {
  if (process.env.E2E_LOG_FILE && system) {
    writeFileSync(
      process.env.E2E_LOG_FILE,
      [...system.logs(), ...(agent?.logs.map((l) => `[agent] ${l}`) ?? [])].join('\n'),
    );
  }
  await agent?.stop();
  await system?.stop();
  redis?.disconnect();
  await killRedisServer();
}, 60_000);

/** What the load loop was told happened: only these must be visible afterwards. */
const acknowledged = {
  services: new Map<string, number>(),
  deployed: new Set<string>(),
  staleReads: [] as string[],
  refusals: [] as string[],
  createdAt: [] as number[],
  deploys: [] as string[],
  secrets: new Set<string>(),
  failures: 0,
};

describe('Redis restarted empty under load', () => {
  it('recovers: the api answers, every acknowledged command is visible, services converge', async () => {
    let loading = true;
    const clients = Array.from({ length: 4 }, async (_, client) => {
      for (let i = 0; loading; i++) {
        const name = `svc-${client}-${i}`;
        try {
          const created = await system!.admin.post(
            `/v1/grids/${GRID}/services`,
            { name, image: 'hollow/app:1', stateful: false, instances: 1 },
            { timeoutMs: 5_000 },
          );
          if (created.status !== 201) throw new Error(`create ${created.status}`);
          acknowledged.services.set(name, 1);
          acknowledged.createdAt.push(Date.now());
          // Read-your-writes holds through the outage: an acknowledged create is visible at once.
          const read = await system!.admin.get(`/v1/services/${GRID}/null/${name}`, { timeoutMs: 5_000 });
          if (read.status !== 200 && read.status !== 503)
            acknowledged.staleReads.push(`${name}: ${read.status}`);
          const deploy = await system!.admin.post(
            `/v1/services/${GRID}/null/${name}/deploy`,
            {},
            { timeoutMs: 5_000 },
          );
          if (deploy.status !== 200) throw new Error(`deploy ${deploy.status}`);
          acknowledged.deployed.add(name);
          acknowledged.deploys.push(`${name}/deploys/${deploy.body.id}`);
          // Scales only grow, so the count a service ends with is at least the last acknowledged one.
          const scaled = await system!.admin.post(
            `/v1/services/${GRID}/null/${name}/scale`,
            { instances: 2 },
            { timeoutMs: 5_000 },
          );
          if (scaled.status !== 200) throw new Error(`scale ${scaled.status}`);
          acknowledged.deploys.push(`${name}/deploys/${scaled.body.id}`);
          acknowledged.services.set(name, 2);
          const secret = await system!.admin.post(
            `/v1/grids/${GRID}/secrets`,
            { name: `SECRET_${client}_${i}`, value: `value-${i}` },
            { timeoutMs: 5_000 },
          );
          if (secret.status !== 201) throw new Error(`secret ${secret.status}`);
          acknowledged.secrets.add(`SECRET_${client}_${i}`);
        } catch (error) {
          // Through the outage the api answers, or says to retry (503); it never refuses a valid request.
          const refused = /^\w+ (\d{3})$/.exec((error as Error).message);
          if (refused && refused[1] !== '503')
            acknowledged.refusals.push(`${name}: ${(error as Error).message}`);
          acknowledged.failures++;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    });

    await until(
      'the load has acknowledged a few services',
      async () => acknowledged.services.size >= 4,
      20_000,
    );
    const killedAt = Date.now();
    await killRedisServer();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await startRedisServer();
    const restartedAt = Date.now();
    const before = acknowledged.services.size;
    await until(
      'the load gets acknowledgements again',
      async () => acknowledged.services.size >= before + 4,
      30_000,
    );
    loading = false;
    await Promise.all(clients);
    // The outage was felt: the projector found its read models gone and projected the log again.
    await system!.apps
      .get('projector')!
      .waitForLog((line) => String(line.msg).startsWith('read models vanished from Redis'), 1_000);
    // Every acknowledged command is visible through the api again.
    const listed = await until('the api lists every acknowledged service', async () => {
      const answer = await system!.admin.get(`/v1/grids/${GRID}/services`);
      if (answer.status !== 200) return undefined;
      const names = new Set((answer.body.services as { name: string }[]).map((s) => s.name));
      return [...acknowledged.services.keys()].every((n) => names.has(n)) ? answer.body.services : undefined;
    });
    for (const service of listed as { name: string; instances: number }[]) {
      const acked = acknowledged.services.get(service.name);
      if (acked !== undefined)
        expect({ name: service.name, instances: Math.max(service.instances, acked) }).toEqual({
          name: service.name,
          instances: service.instances,
        });
    }
    const secrets = await system!.admin.get(`/v1/grids/${GRID}/secrets`);
    const secretNames = new Set((secrets.body.secrets as { name: string }[]).map((s) => s.name));
    expect([...acknowledged.secrets].filter((n) => !secretNames.has(n))).toEqual([]);

    // Heartbeats come back: both hollow nodes are online.
    await until('both nodes are online', async () => {
      const nodes = (await system!.admin.get(`/v1/grids/${GRID}/nodes`)).body.nodes as { status: string }[];
      return nodes.length === 2 && nodes.every((n) => n.status === 'online');
    });

    // The reconciler converges every deployed service to its desired count (resync re-enqueues the work
    // whose BullMQ jobs were lost; the agents' queues are recreated).
    const converged = await until(
      'every deployed service runs its desired instances',
      async () => {
        const services = (await system!.admin.get(`/v1/grids/${GRID}/services`)).body.services as {
          name: string;
          instances: number;
          state: string;
        }[];
        const deployed = services.filter((s) => s.state !== 'initialized'); // never deployed: nothing runs
        for (const service of deployed) {
          const docs = await instances(service.name);
          if (docs.length !== service.instances || docs.some((d) => d.state !== 'running')) return false;
        }
        return deployed;
      },
      40_000,
    );
    expect(converged.length).toBeGreaterThanOrEqual(acknowledged.deployed.size);
    // No deploy is left hanging: each acknowledged one finishes (a newer one may supersede it first).
    const unfinished = await until(
      'every acknowledged deploy finished',
      async () => {
        const states = await Promise.all(
          acknowledged.deploys.map(async (path) => {
            const deploy = await system!.admin.get(`/v1/services/${GRID}/null/${path}`);
            return `${path}: ${deploy.body?.state}${deploy.body?.reason ? ` (${deploy.body.reason})` : ''}`;
          }),
        );
        const open = states.filter((s) => !/: (success|error)( \(.*\))?$/.test(s));
        return open.length === 0 ? states.filter((s) => !s.endsWith(': success')) : undefined;
      },
      30_000,
    );
    expect(unfinished).toEqual([]);
    if (process.env.E2E_VERBOSE) {
      const figures = {
        services: acknowledged.services.size,
        deployed: acknowledged.deployed.size,
        secrets: acknowledged.secrets.size,
        failedIterations: acknowledged.failures,
        noCreateAcknowledgedForMs: Math.min(...acknowledged.createdAt.filter((t) => t > killedAt)) - killedAt,
        convergedAfterRestartMs: Date.now() - restartedAt,
      };
      process.stderr.write(`redis restart figures: ${JSON.stringify(figures)}\n`);
    }
    expect([...acknowledged.deployed].filter((n) => !converged.some((s) => s.name === n))).toEqual([]);
    expect(acknowledged.staleReads).toEqual([]);
    expect(acknowledged.refusals).toEqual([]);
    // A request that met the outage was told to retry (503), never answered with an internal error.
    expect(system!.apps.get('api')!.logs.filter((l) => l.includes('"msg":"unhandled error"'))).toEqual([]);
    // Reconnecting is expected, not an error nobody handled (ioredis prints those to stderr).
    const output = [...system!.logs(), ...agent!.logs];
    expect(output.filter((l) => l.includes('Unhandled error event'))).toEqual([]);
  });

  it('no process crashed, and the read models equal a fresh rebuild', async () => {
    for (const app of [...system!.apps.values(), agent!])
      expect({
        app: app.name,
        stillRunning: (await Promise.race([app.exited, Promise.resolve('running')])) === 'running',
      }).toEqual({
        app: app.name,
        stillRunning: true,
      });
    // Nothing may append while the two generations are compared.
    await agent!.stop();
    await system!.apps.get('reconciler')!.stop();
    const live = await currentGeneration(redis, system!.redisPrefix);
    const client = EventStoreDBClient.connectionString(system!.eventStoreUrl);
    try {
      const head = await headOfAll(client);
      const keys = new ReadModelKeys(system!.redisPrefix, live);
      await until('the projector reached the head of $all', async () => {
        const raw = await redis.get(keys.checkpoint);
        return !!raw && !!head && comparePositions(positionFromString(raw), head) >= 0;
      });
    } finally {
      await disposeClient(client);
    }
    const snapshot = async (generation: number) => {
      const all = await dumpPrefix(redis, new ReadModelKeys(system!.redisPrefix, generation).root);
      all.delete('checkpoint');
      return all;
    };
    const before = await snapshot(live);
    const rebuild = startApp('projector', { ...system!.env, LOG_LEVEL: 'warn' }, 'rebuild');
    expect(await rebuild.exited).toBe(0);
    const after = await snapshot(await currentGeneration(redis, system!.redisPrefix));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, value] of before) expect({ key, value: after.get(key) }).toEqual({ key, value });
  });
});
