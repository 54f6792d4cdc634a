/**
 * Telemetry end to end with a real agent: a `process` agent runs an instance that prints lines, and they come
 * back through `container_logs`, live too; its stats reach `/stats`, `/metrics` and the node's JSON.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { AppProcess, RunningSystem, startApp, startSystem, until } from '@libs/testing';
import { openStream, RawStream } from './support/raw-http';

const GRID = 'atl';
/** The instance: a greeting on stdout, a warning on stderr, then a numbered tick every 200 ms. */
const TALKER = [
  "console.log('hello from the process agent');",
  "console.error('warning: running without a config file');",
  "let n = 0; setInterval(() => console.log('tick ' + ++n), 200);",
].join(' ');

interface Line {
  id: string;
  name: string;
  type: string;
  data: string;
  node: { name: string };
  service: { id: string; name: string };
}

/** Instances outlive their agent on purpose (the next agent adopts them): the test ends them itself. */
function killInstances(dir: string): void {
  const instances = join(dir, 'instances');
  if (!existsSync(instances)) return;
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

describe('telemetry from a real process agent', () => {
  let system: RunningSystem;
  let agent: AppProcess;
  let agentDir: string;
  let stream: RawStream | undefined;
  const service = `/v1/services/${GRID}/null/talker`;

  beforeAll(async () => {
    system = await startSystem();
    const reconciler = await system.startApp('reconciler', { POLL_MS: '300', RESYNC_INTERVAL_MS: '2000' });
    await reconciler.waitForLog((line) => line.msg === 'telemetry worker started');
    const grid = await system.admin.post('/v1/grids', { name: GRID });
    expect(grid.status).toBe(201);
    agentDir = join(system.dataDir, 'agents', 'node-1');
    agent = startApp('agent', {
      ...system.env,
      API_URL: system.api.baseUrl,
      GRID_TOKEN: grid.body.token,
      NODE_NAME: 'node-1',
      AGENT_DATA_DIR: agentDir,
      RUNTIME: 'process',
      HEARTBEAT_INTERVAL_MS: '300',
      PULL_INTERVAL_MS: '2000',
      STATS_INTERVAL_MS: '1000',
    });
    await agent.waitForLog((line) => line.msg === 'agent joined its grid', 30_000);

    const created = await system.admin.post(`/v1/grids/${GRID}/services`, {
      name: 'talker',
      image: 'fixtures/talker',
      stateful: false,
      instances: 1,
      cmd: [process.execPath, '-e', TALKER],
    });
    expect(created.status).toBe(201);
    const deploy = await system.admin.post(`${service}/deploy`, {});
    const done = await until('the deploy finished', async () => {
      const answer = await system.admin.get(`${service}/deploys/${deploy.body.id}`);
      return ['success', 'error'].includes(answer.body.state) && answer.body;
    }, 30_000);
    expect(done.state).toBe('success');
  }, 120_000);

  afterAll(async () => {
    stream?.close();
    await agent?.stop();
    if (agentDir) killInstances(agentDir);
    await system?.stop();
  }, 30_000);

  it("brings the instance's lines back through container_logs, stdout and stderr, in order", async () => {
    const lines = await until('the lines are in the service log', async () => {
      const answer = await system.admin.get(`${service}/container_logs?limit=1000`);
      const found = (answer.body.logs ?? []) as Line[];
      return found.some((l) => l.data === 'tick 2') && found;
    }, 30_000);
    const greeting = lines.find((l) => l.data === 'hello from the process agent')!;
    expect(greeting).toMatchObject({
      name: 'talker-1',
      type: 'stdout',
      node: { name: 'node-1' },
      service: { id: `${GRID}/null/talker`, name: 'talker' },
      container_id: `${GRID}/node-1/talker-1`,
    });
    expect(lines.find((l) => l.data === 'warning: running without a config file')?.type).toBe('stderr');
    const ticks = lines.filter((l) => l.data.startsWith('tick ')).map((l) => Number(l.data.slice(5)));
    expect(ticks).toEqual(ticks.map((_, i) => ticks[0] + i));
    // The same lines, under the same ids, in the grid's and the null stack's logs.
    const grid = (await system.admin.get(`/v1/grids/${GRID}/container_logs?containers=talker-1&limit=1000`))
      .body.logs as Line[];
    expect(grid.find((l) => l.id === greeting.id)?.data).toBe(greeting.data);
    const stack = (await system.admin.get(`/v1/stacks/${GRID}/null/container_logs?search=HELLO`)).body
      .logs as Line[];
    expect(stack.map((l) => l.id)).toEqual([greeting.id]);
  });

  it('follows the instance live', async () => {
    stream = await openStream(system.api.baseUrl, `${service}/container_logs?follow=1&limit=1`, {
      Authorization: `Bearer ${system.admin.token}`,
    });
    const ticks = () => stream!.chunks.filter((c) => c !== ' ').map((c) => (JSON.parse(c) as Line).data);
    await stream.until(() => ticks().length >= 4, 'live ticks', 15_000);
    const numbers = ticks().map((data) => Number(data.slice(5)));
    expect(numbers.slice(1)).toEqual(numbers.slice(1).map((_, i) => numbers[1] + i));
  });

  it("answers one container's lines at its own path, paged, searched and followed", async () => {
    const container = `/v1/containers/${GRID}/node-1/talker-1`;
    const service = (await system.admin.get(`/v1/services/${GRID}/null/talker/container_logs?limit=1000`)).body
      .logs as Line[];
    const own = await until('the container route has the lines', async () => {
      const answer = await system.admin.get(`${container}/logs?limit=10000`);
      const found = (answer.body.logs ?? []) as Line[];
      return answer.status === 200 && found.length >= service.length && found;
    });
    // Every line of the service so far is this container's (it has one), under the same ids.
    expect(own.slice(0, service.length).map((l) => l.id)).toEqual(service.map((l) => l.id));
    expect(own.every((l) => l.name === 'talker-1' && l.node.name === 'node-1')).toBe(true);
    const page = (await system.admin.get(`${container}/logs?from=${own[0].id}&limit=2`)).body.logs as Line[];
    expect(page.map((l) => l.id)).toEqual(own.slice(1, 3).map((l) => l.id));
    const found = (await system.admin.get(`${container}/logs?search=WARNING`)).body.logs as Line[];
    expect(found.map((l) => l.data)).toEqual(['warning: running without a config file']);

    const live = await openStream(system.api.baseUrl, `${container}/logs?follow=1&limit=1`, {
      Authorization: `Bearer ${system.admin.token}`,
    });
    try {
      const ticks = () => live.chunks.filter((c) => c !== ' ').map((c) => (JSON.parse(c) as Line).data);
      await live.until(() => ticks().length >= 3, 'live ticks of the container', 15_000);
      expect(ticks().slice(1).every((data) => data.startsWith('tick '))).toBe(true);
    } finally {
      live.close();
    }

    // No such container on that node: 404, as for the container itself.
    expect((await system.admin.get(`/v1/containers/${GRID}/node-2/talker-1/logs`)).status).toBe(404);
    expect(await system.admin.get(`${container}/logs?limit=1.5`)).toMatchObject({
      status: 400,
      body: { error: { limit: 'Limit must be an integer' } },
    });
  });

  it('says plainly that top, inspect and exec are not built, after the usual checks', async () => {
    const container = `/v1/containers/${GRID}/node-1/talker-1`;
    for (const [method, path] of [
      ['GET', `${container}/top`],
      ['GET', `${container}/inspect`],
      ['POST', `${container}/exec`],
    ] as const) {
      const body = method === 'POST' ? { cmd: ['ps'] } : undefined;
      const answer = await system.admin.request(method, path, { body });
      expect({ path, status: answer.status }).toEqual({ path, status: 501 });
      expect(answer.body.error).toMatch(/^Not implemented: container (top|inspect|exec) needs/);
      expect((await system.admin.request(method, path.replace('talker-1', 'nope'), { body })).status).toBe(404);
      expect((await system.admin.request(method, path, { body, token: null })).status).toBe(401);
    }
  });

  it("reports the instance's and the node's stats, metrics and heartbeat", async () => {
    const stats = await until('the instance has stats', async () => {
      const answer = await system.admin.get(`${service}/stats`);
      return answer.body.stats?.[0]?.cpu && answer.body.stats;
    }, 30_000);
    expect(stats).toEqual([
      {
        container_id: 'talker-1',
        cpu: { usage: expect.any(Number), limit: null, num_cores: cpus().length },
        memory: { usage: expect.any(Number), limit: null },
        network: null,
      },
    ]);
    expect(stats[0].memory.usage).toBeGreaterThan(1_000_000);
    expect((await system.admin.get(`/v1/nodes/${GRID}/node-1/stats`)).body.stats).toEqual(
      stats.map(() => expect.objectContaining({ container_id: 'talker-1' })),
    );

    const node = (await system.admin.get(`/v1/nodes/${GRID}/node-1`)).body;
    expect(node.resource_usage).toMatchObject({
      memory: { total: totalmem() },
      cpu: { num_cores: cpus().length },
    });
    expect(Date.now() - Date.parse(node.last_seen_at)).toBeLessThan(5_000);
    expect(await system.admin.get(`/v1/nodes/${GRID}/node-1/health`)).toMatchObject({
      status: 200,
      body: { etcd_health: { health: true, error: null } },
    });

    for (const path of [
      `/v1/nodes/${GRID}/node-1/metrics`,
      `/v1/grids/${GRID}/metrics`,
      `${service}/metrics`,
    ]) {
      const metrics = (await system.admin.get(path)).body;
      expect({ path, points: metrics.stats.length > 0 }).toEqual({ path, points: true });
    }
    const [point] = (await system.admin.get(`/v1/nodes/${GRID}/node-1/metrics`)).body.stats;
    expect(point.memory.total).toBe(totalmem());
    expect(point.cpu.cores).toBe(cpus().length);
  });
});
