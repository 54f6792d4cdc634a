/**
 * Issue 4's main proof: desired state becomes running processes. The system (event store, projector, api),
 * the reconciler and three `process` agents run as real processes on this machine; the service is a small
 * HTTP server (test/fixtures/http-service.js) each instance of which listens on a port its runtime picked.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventStoreDBClient } from '@eventstore/db-client';
import { comparePositions, disposeClient, headOfAll, positionFromString } from '@libs/eventstore';
import { currentGeneration, ReadModelKeys, ServiceInstanceDoc } from '@libs/read-model';
import {
  AppProcess,
  dumpPrefix,
  RunningSystem,
  serviceInstances,
  startApp,
  startSystem,
  testRedis,
} from '@libs/testing';
import { until } from './support/until';

jest.setTimeout(120_000);

const GRID = 'e2e';
const FIXTURE = join(__dirname, '..', 'fixtures', 'http-service.js');
const redis = testRedis();

let system: RunningSystem;
let gridToken: string;
const agents = new Map<string, AppProcess>();

/** Liveness and scheduling tuned to seconds so the test sees a node go offline and its instances move. */
const RECONCILER_ENV = {
  NODE_OFFLINE_AFTER_MS: '3000',
  LIVENESS_INTERVAL_MS: '500',
  GRACE_PERIOD_MS: '1000',
  RESYNC_INTERVAL_MS: '2000',
  POLL_MS: '300',
  RESCHEDULE_BACKOFF_MS: '3000',
  LEASE_TTL_MS: '3000',
};

async function startAgent(name: string): Promise<AppProcess> {
  const agent = startApp('agent', {
    ...system.env,
    API_URL: system.api.baseUrl,
    GRID_TOKEN: gridToken,
    NODE_NAME: name,
    AGENT_DATA_DIR: join(system.dataDir, 'agents', name),
    RUNTIME: 'process',
    HEARTBEAT_INTERVAL_MS: '300',
    PULL_INTERVAL_MS: '2000',
    NODE_INFO_INTERVAL_MS: '5000',
    STATS_INTERVAL_MS: '5000',
  });
  agents.set(name, agent);
  await agent.waitForLog((line) => line.msg === 'agent joined its grid', 30_000);
  return agent;
}

/** The instance documents, with the ports their agents reported (not part of Kontena's JSON). */
function instances(service: string): Promise<ServiceInstanceDoc[]> {
  return serviceInstances(redis, system.redisPrefix, `${GRID}/null/${service}`);
}

async function answer(port: number): Promise<{ pid: number } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/pids`, { signal: AbortSignal.timeout(1_000) });
    return response.ok ? ((await response.json()) as { pid: number }) : undefined;
  } catch {
    return undefined;
  }
}

/** Every instance of the service running its latest deploy and answering on its port, once each. */
async function allAnswering(service: string, count: number): Promise<ServiceInstanceDoc[] | undefined> {
  const docs = await instances(service);
  if (docs.length !== count || docs.some((d) => d.state !== 'running' || d.rev !== d.deploy_rev))
    return undefined;
  const answers = await Promise.all(docs.map((d) => answer(d.ports[0]?.host_port ?? 0)));
  return answers.every(Boolean) ? docs : undefined;
}

async function deployDone(service: string, deployId: string) {
  let last: unknown;
  try {
    return await until(
      `deploy ${deployId} of ${service} finished`,
      async () => {
        const deploy = await system.admin.get(`/v1/services/${GRID}/null/${service}/deploys/${deployId}`);
        last = deploy.body;
        return ['success', 'error'].includes(deploy.body.state) ? deploy.body : undefined;
      },
      60_000,
    );
  } catch (error) {
    // A deploy that never finishes is rare and gone once the run is over: say what it looked like.
    const instances = await system.admin
      .get(`/v1/services/${GRID}/null/${service}/instances`)
      .then((answer) => answer.body)
      .catch((readError: Error) => `unreadable: ${readError.message}`);
    const logs = [system.apps.get('reconciler'), ...agents.values()]
      .flatMap((app) => app?.logs ?? [])
      .filter((line) => line.includes(service))
      .slice(-40);
    throw new Error(
      `${(error as Error).message}\ndeploy: ${JSON.stringify(last)}\ninstances: ${JSON.stringify(instances)}\n` +
        `reconciler and agent log lines naming ${service}:\n${logs.join('\n')}`,
    );
  }
}

async function eventLog(service: string): Promise<{ type: string; message: string }[]> {
  return (await system.admin.get(`/v1/services/${GRID}/null/${service}/event_logs?limit=1000`)).body.logs;
}

beforeAll(async () => {
  system = await startSystem();
  await system.startApp('reconciler', RECONCILER_ENV);
  const grid = await system.admin.post('/v1/grids', { name: GRID, initial_size: 3 });
  expect(grid.status).toBe(201);
  gridToken = grid.body.token;
  await Promise.all(['node-1', 'node-2', 'node-3'].map(startAgent));
}, 120_000);

afterAll(async () => {
  if (process.env.E2E_LOG_FILE) {
    const lines = [
      ...system.logs(),
      ...[...agents.entries()].flatMap(([name, a]) => a.logs.map((l) => `[${name}] ${l}`)),
    ];
    writeFileSync(process.env.E2E_LOG_FILE, lines.join('\n'));
  }
  for (const agent of agents.values()) await agent.stop();
  // Instances outlive their agents on purpose (the next agent adopts them): this test ends them itself.
  if (system) killInstances(join(system.dataDir, 'agents'));
  await system?.stop();
  redis.disconnect();
});

describe('the reconciler and three process agents', () => {
  it('nodes join with the grid token and get their numbers', async () => {
    const nodes = await until('three nodes are online', async () => {
      const list = await system.admin.get(`/v1/grids/${GRID}/nodes`);
      const online = list.body.nodes.filter((n: { status: string }) => n.status === 'online');
      return online.length === 3 ? list.body.nodes : undefined;
    });
    expect(nodes.map((n: { name: string; node_number: number }) => [n.name, n.node_number]).sort()).toEqual([
      ['node-1', expect.any(Number)],
      ['node-2', expect.any(Number)],
      ['node-3', expect.any(Number)],
    ]);
    expect(new Set(nodes.map((n: { node_number: number }) => n.node_number))).toEqual(new Set([1, 2, 3]));
  });

  it('deploys a service whose instances are real HTTP servers, and scales it 1 → 3 over the nodes', async () => {
    const created = await system.admin.post(`/v1/grids/${GRID}/services`, {
      name: 'web',
      image: 'fixtures/http-service',
      stateful: false,
      instances: 1,
      cmd: [process.execPath, FIXTURE],
      env: ['NAME=web'],
      ports: [{ container_port: 8080, node_port: 0 }],
      deploy_opts: { wait_for_port: 8080, min_health: 0 },
    });
    expect(created.status).toBe(201);
    const first = await system.admin.post(`/v1/services/${GRID}/null/web/deploy`, {});
    expect((await deployDone('web', first.body.id)).state).toBe('success');
    await until('one instance answers', () => allAnswering('web', 1));

    const scaled = await system.admin.post(`/v1/services/${GRID}/null/web/scale`, { instances: 3 });
    const deploy = await deployDone('web', scaled.body.id);
    expect(deploy).toMatchObject({ state: 'success', reason: null });
    expect(deploy.instance_deploys.map((i: { state: string }) => i.state)).toEqual([
      'success',
      'success',
      'success',
    ]);
    const docs = await until('three instances answer', () => allAnswering('web', 3));
    expect(new Set(docs.map((d) => d.node?.name))).toEqual(new Set(['node-1', 'node-2', 'node-3']));
    for (const doc of docs)
      expect(await (await fetch(`http://127.0.0.1:${doc.ports[0].host_port}/`)).text()).toBe('hello web');

    const listed = await system.admin.get(`/v1/services/${GRID}/null/web/instances`);
    expect(
      listed.body.instances.map((i: { state: string; desired_state: string }) => [i.desired_state, i.state]),
    ).toEqual([
      ['running', 'running'],
      ['running', 'running'],
      ['running', 'running'],
    ]);

    // The same three as containers: the service's, the grid's, and each one by its path.
    const containers = (await system.admin.get(`/v1/services/${GRID}/null/web/containers`)).body.containers;
    expect(containers.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['web-1', 'running'],
      ['web-2', 'running'],
      ['web-3', 'running'],
    ]);
    for (const container of containers) {
      const doc = docs.find((d) => d.name === container.name)!;
      expect(container).toMatchObject({
        id: `${GRID}/${doc.node!.name}/${doc.name}`,
        grid_id: GRID,
        service_id: `${GRID}/null/web`,
        node: { name: doc.node!.name, connected: true, grid: { name: GRID, token: null } },
        state: { running: true, exit_code: 0 },
        image: 'fixtures/http-service',
        network_settings: { ports: { '8080/tcp': [{ host_port: String(doc.ports[0].host_port) }] } },
      });
      // Not toEqual: the node's last_seen_at moves with every heartbeat.
      const one = await system.admin.get(`/v1/containers/${container.id}`);
      expect(one.body).toMatchObject({ id: container.id, name: container.name, status: 'running', service_id: `${GRID}/null/web` });
    }
    const gridContainers = (await system.admin.get(`/v1/containers/${GRID}`)).body.containers;
    expect(gridContainers.map((c: { id: string }) => c.id).sort()).toEqual(containers.map((c: { id: string }) => c.id).sort());
    expect((await system.admin.get(`/v1/grids/${GRID}`)).body.container_count).toBe(3);
    expect((await system.admin.get(`/v1/containers/${GRID}/node-1/no-such-container`)).status).toBe(404);
  });

  it('an instance whose process is killed is reported crashed and restarted', async () => {
    const [victim] = await instances('web');
    const before = (await answer(victim.ports[0].host_port))!;
    process.kill(before.pid, 'SIGKILL');
    await until('the instance answers again from a new process', async () => {
      const now = await answer(victim.ports[0].host_port);
      return now && now.pid !== before.pid;
    });
    const log = await until('the crash is in the event log', async () => {
      const entries = await eventLog('web');
      return entries.some((e) => e.type === 'service:instance_crash') ? entries : undefined;
    });
    expect(log.find((e) => e.type === 'service:instance_crash')?.message).toMatch(
      /instance exited with code/,
    );
  });

  it('moves the instances of a drained node, and the drained node stops running them', async () => {
    const onNode2 = (await until('all answer', () => allAnswering('web', 3))).filter(
      (d) => d.node?.name === 'node-2',
    );
    expect(onNode2).toHaveLength(1);
    const port = onNode2[0].ports[0].host_port;
    expect((await system.admin.put(`/v1/nodes/${GRID}/node-2`, { availability: 'drain' })).status).toBe(200);
    const docs = await until(
      'no instance is on node-2 and all answer',
      async () => {
        const all = await allAnswering('web', 3);
        return all && all.every((d) => d.node?.name !== 'node-2') ? all : undefined;
      },
      60_000,
    );
    expect(docs).toHaveLength(3);
    await until("node-2's copy is gone", async () => (await answer(port)) === undefined);
    expect((await eventLog('web')).some((e) => e.type === 'scheduler')).toBe(true);
    await system.admin.put(`/v1/nodes/${GRID}/node-2`, { availability: 'active' });
  });

  it('a stopped agent takes its node offline; its instances move; back, it runs no duplicate', async () => {
    // Node-2 is active again: the scheduler spreads the instances back over three nodes first.
    await until(
      'one instance per node again',
      async () => {
        const all = await allAnswering('web', 3);
        return all && new Set(all.map((d) => d.node?.name)).size === 3 ? all : undefined;
      },
      60_000,
    );
    const onNode3 = (await instances('web')).find((d) => d.node?.name === 'node-3')!;
    const leftBehind = onNode3.ports[0].host_port;
    await agents.get('node-3')!.stop();
    // Its process outlives its agent (detached, adopted by the next one).
    expect(await answer(leftBehind)).toBeDefined();
    await until('node-3 is offline', async () => {
      const node = await system.admin.get(`/v1/nodes/${GRID}/node-3`);
      return node.body.connected === false && node.body.status === 'offline';
    });
    const moved = await until(
      'the instance of node-3 runs elsewhere',
      async () => {
        const all = await allAnswering('web', 3);
        return all && all.every((d) => d.node?.name !== 'node-3') ? all : undefined;
      },
      60_000,
    );
    expect(moved).toHaveLength(3);

    await startAgent('node-3');
    await until(
      'node-3 is online again',
      async () => (await system.admin.get(`/v1/nodes/${GRID}/node-3`)).body.status === 'online',
    );
    // The agent finds the old copy, is not assigned it, and removes it: one process per instance.
    await until("node-3's old copy is gone", async () => (await answer(leftBehind)) === undefined, 30_000);
    const final = await until('three instances, each answering once', () => allAnswering('web', 3), 60_000);
    const numbers = final.map((d) => d.instance_number).sort();
    expect(numbers).toEqual([1, 2, 3]);
  });

  it('a service whose command exits at once ends its deploy in error, with the reason', async () => {
    await system.admin.post(`/v1/grids/${GRID}/services`, {
      name: 'broken',
      image: 'fixtures/http-service',
      stateful: false,
      instances: 1,
      cmd: [process.execPath, FIXTURE],
      env: ['EXIT_AT_ONCE=3'],
    });
    const requested = await system.admin.post(`/v1/services/${GRID}/null/broken/deploy`, {});
    const deploy = await deployDone('broken', requested.body.id);
    expect(deploy.state).toBe('error');
    expect(deploy.reason).toMatch(
      /^halting deploy of e2e\/null\/broken, one or more instances failed: instance 1: broken-1 exited at once with code 3/,
    );
    expect(deploy.reason).toContain('fatal: DATABASE_URL is not set');
    expect(deploy.instance_deploys[0]).toMatchObject({ instance_number: 1, state: 'error' });
    const log = await eventLog('broken');
    expect(
      log.some(
        (e) => e.type === 'service:deploy' && e.message.startsWith('deploy of e2e/null/broken errored'),
      ),
    ).toBe(true);
  });

  it('stops, starts and restarts the instances with the service', async () => {
    const before = await until('three instances answer', () => allAnswering('web', 3));
    const pids = await Promise.all(before.map(async (d) => (await answer(d.ports[0].host_port))!.pid));
    expect((await system.admin.post(`/v1/services/${GRID}/null/web/stop`, {})).status).toBe(200);
    await until('no instance answers', async () => {
      const docs = await instances('web');
      const answers = await Promise.all(docs.map((d) => answer(d.ports[0]?.host_port ?? 0)));
      return (
        docs.every((d) => d.desired_state === 'stopped' && d.state === 'stopped') && answers.every((a) => !a)
      );
    });
    expect((await system.admin.post(`/v1/services/${GRID}/null/web/start`, {})).status).toBe(200);
    const started = await until('three instances answer again', () => allAnswering('web', 3));
    const restartedFrom = await Promise.all(
      started.map(async (d) => (await answer(d.ports[0].host_port))!.pid),
    );
    expect(restartedFrom.some((pid) => pids.includes(pid))).toBe(false);

    expect((await system.admin.post(`/v1/services/${GRID}/null/web/restart`, {})).status).toBe(200);
    await until('every instance runs a new process', async () => {
      const docs = await allAnswering('web', 3);
      if (!docs) return undefined;
      const now = await Promise.all(docs.map(async (d) => (await answer(d.ports[0].host_port))?.pid));
      return now.every((pid) => pid !== undefined && !restartedFrom.includes(pid));
    });
  });

  it('deploys a stack one service after another, in link order', async () => {
    const service = (name: string, links: object[] = []) => ({
      name,
      image: 'fixtures/http-service',
      stateful: false,
      instances: 1,
      cmd: [process.execPath, FIXTURE],
      env: [`NAME=${name}`],
      ports: [{ container_port: 8080, node_port: 0 }],
      deploy_opts: { wait_for_port: 8080 },
      links,
    });
    const created = await system.admin.post(`/v1/grids/${GRID}/stacks`, {
      name: 'shop',
      stack: 'test/shop',
      version: '0.1.0',
      registry: 'file://',
      source: 'services: …',
      services: [service('api', [{ name: 'db', alias: 'db' }]), service('db')],
    });
    expect(created.status).toBe(201);
    const requested = await system.admin.post(`/v1/stacks/${GRID}/shop/deploy`, {});
    expect(requested.status).toBe(200);
    const deploy = await until(
      'the stack deploy finishes',
      async () => {
        const d = await system.admin.get(`/v1/stacks/${GRID}/shop/deploys/${requested.body.id}`);
        return ['success', 'error'].includes(d.body.state) ? d.body : undefined;
      },
      60_000,
    );
    expect(deploy.state).toBe('success');
    const [db, api] = deploy.service_deploys as {
      service_id: string;
      state: string;
      started_at: string;
      finished_at: string;
    }[];
    expect([db.service_id, api.service_id]).toEqual([`${GRID}/shop/db`, `${GRID}/shop/api`]);
    expect([db.state, api.state]).toEqual(['success', 'success']);
    expect(Date.parse(api.started_at)).toBeGreaterThanOrEqual(Date.parse(db.finished_at));
    const log = (await system.admin.get(`/v1/stacks/${GRID}/shop/event_logs?limit=1000`)).body.logs as {
      type: string;
    }[];
    expect(log.some((e) => e.type === 'stack:deploy')).toBe(true);
  });

  it('removing a service removes its instances from their nodes', async () => {
    const before = await instances('broken');
    expect(before).toHaveLength(1);
    expect((await system.admin.delete(`/v1/services/${GRID}/null/broken`)).status).toBe(200);
    await until('its instance is gone', async () => (await instances('broken')).length === 0);
    // The process runtime deletes an instance's directory (and its process) when it removes it.
    await until('no agent keeps it', async () =>
      ['node-1', 'node-2', 'node-3'].every(
        (node) => !existsSync(join(system.dataDir, 'agents', node, 'instances', 'broken-1')),
      ),
    );
    expect(before[0].node).not.toBeNull();
  });

  it('rebuilds the instance documents and pods byte-identical to the live ones', async () => {
    // Nothing may append while the two generations are compared.
    for (const agent of agents.values()) await agent.stop();
    await system.apps.get('reconciler')!.stop();
    const live = await currentGeneration(redis, system.redisPrefix);
    await projectorAtHead(live);
    const before = await snapshot(live);
    expect([...before.keys()].filter((k) => k.startsWith('instance:')).length).toBeGreaterThanOrEqual(4);
    expect([...before.keys()].filter((k) => k.startsWith('pod:')).length).toBeGreaterThanOrEqual(4);

    const rebuild = startApp('projector', { ...system.env, LOG_LEVEL: 'warn' }, 'rebuild');
    expect(await rebuild.exited).toBe(0);
    const after = await snapshot(await currentGeneration(redis, system.redisPrefix));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [key, value] of before) expect({ key, value: after.get(key) }).toEqual({ key, value });
  });
});

async function projectorAtHead(generation: number): Promise<void> {
  const client = EventStoreDBClient.connectionString(system.eventStoreUrl);
  try {
    const head = await headOfAll(client);
    const keys = new ReadModelKeys(system.redisPrefix, generation);
    await until('the projector reached the head of $all', async () => {
      const raw = await redis.get(keys.checkpoint);
      return !!raw && !!head && comparePositions(positionFromString(raw), head) >= 0;
    });
  } finally {
    await disposeClient(client);
  }
}

/** A generation's keys and values, without the generation prefix and the checkpoint. */
async function snapshot(generation: number): Promise<Map<string, string>> {
  const all = await dumpPrefix(redis, new ReadModelKeys(system.redisPrefix, generation).root);
  all.delete('checkpoint');
  return all;
}

/** Ends the process group of every instance the process runtimes recorded under `dir`. */
function killInstances(dir: string): void {
  if (!existsSync(dir)) return;
  for (const agent of readdirSync(dir)) {
    const instances = join(dir, agent, 'instances');
    if (!existsSync(instances)) continue;
    for (const name of readdirSync(instances)) {
      try {
        const record = JSON.parse(readFileSync(join(instances, name, 'instance.json'), 'utf8')) as {
          pid: number | null;
        };
        if (record.pid) process.kill(-record.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}
