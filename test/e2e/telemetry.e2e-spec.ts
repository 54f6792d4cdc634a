import type { StatsReport } from '@libs/queues';
import { ApiClient, RunningSystem, startSystem, TelemetryAgent, userWith } from '@libs/testing';
import { ISO } from './support/grid-callers';

const GRID = 'tel';
const MINUTE = 60_000;
const NO_TRAFFIC = {
  interfaces: [],
  rx_bytes: 0,
  rx_bytes_per_second: 0,
  tx_bytes: 0,
  tx_bytes_per_second: 0,
};

type Instance = StatsReport['instances'][number];
const instance = (id: string, cpu: number, memory: number, rx = 0): Instance => ({
  instanceId: `${GRID}/${id}`,
  cpu_pct: cpu,
  memory_bytes: memory,
  memory_limit: 1_000_000,
  network: { rx_bytes: rx, tx_bytes: rx / 2 },
});

function stats(node: string, at: number, cpu: number, instances: Instance[]): StatsReport {
  return {
    kind: 'stats',
    nodeId: `${GRID}/${node}`,
    at: new Date(at).toISOString(),
    node: {
      cpu_usage_pct: cpu,
      cores: 2,
      memory: { total: 4000, used: cpu * 10, free: 4000 - cpu * 10, cached: 100, buffers: 50 },
      load: [0.5, 0.25, 0.125],
      filesystem: { name: '/var/lib/kontena', used: 100, total: 1000 },
      network: { rx_bytes: 1000, tx_bytes: 2000 },
    },
    instances,
  };
}

describe('stats, metrics and node health over HTTP', () => {
  let system: RunningSystem;
  let admin: ApiClient;
  let member: ApiClient;
  let outsider: ApiClient;
  let agent: TelemetryAgent;
  /** The minute the samples fall in; the second sample is taken in the same minute. */
  const minute = Math.floor(Date.now() / MINUTE) * MINUTE;

  beforeAll(async () => {
    system = await startSystem();
    const reconciler = await system.startApp('reconciler');
    await reconciler.waitForLog((line) => line.msg === 'telemetry worker started');
    admin = system.admin;
    agent = new TelemetryAgent(system.redisPrefix);

    const grid = await admin.post('/v1/grids', { name: GRID });
    expect(grid.status).toBe(201);
    for (const [n, name] of ['node-1', 'node-2'].entries()) {
      const registered = await system.api.put(
        `/v1/nodes/AAAA:BBBB:000${n}`,
        { name, cpus: 2, mem_total: 4000 },
        { headers: { 'kontena-grid-token': grid.body.token }, token: null },
      );
      expect(registered.status).toBe(201);
    }
    expect((await admin.post(`/v1/grids/${GRID}/nodes`, { name: 'waiting' })).status).toBe(201);
    const stack = await admin.post(`/v1/grids/${GRID}/stacks`, {
      name: 'shop',
      stack: 'test/shop',
      version: '0.1.0',
      registry: 'file://',
      source: '…',
      services: [{ name: 'web', image: 'web:1', stateful: false }],
    });
    expect(stack.status).toBe(201);
    expect(
      (await admin.post(`/v1/grids/${GRID}/services`, { name: 'redis', image: 'redis:7', stateful: true }))
        .status,
    ).toBe(201);
    [member, outsider] = await Promise.all([
      userWith(system, { email: 'member@example.com', grids: [GRID] }).then((u) => u.api),
      userWith(system, { email: 'outsider@example.com' }).then((u) => u.api),
    ]);

    // node-1 runs shop.web-1, shop.web-2 and redis-1; node-2 runs shop.web-3. Two samples of node-1 in the minute.
    await agent.publish(
      stats('node-1', minute + 1_000, 10, [
        instance('shop/web/1', 5, 300, 100),
        instance('shop/web/2', 40, 100, 10),
        instance('null/redis/1', 20, 200, 50),
      ]),
      stats('node-2', minute + 1_000, 50, [instance('shop/web/3', 10, 400, 1000)]),
    );
    await agent.drained();
    await agent.publish(
      stats('node-1', minute + 3_000, 30, [
        instance('shop/web/1', 5, 300, 500),
        instance('shop/web/2', 40, 100, 10),
        instance('null/redis/1', 20, 200, 50),
      ]),
    );
    await agent.drained();
  }, 90_000);

  afterAll(async () => {
    await agent?.close();
    await system?.stop();
  }, 30_000);

  const names = (answer: { body: { stats: { container_id: string }[] } }) =>
    answer.body.stats.map((s) => s.container_id);

  describe('stats', () => {
    it("lists a grid's running containers with their latest sample, by cpu", async () => {
      const answer = await member.get(`/v1/grids/${GRID}/stats`);
      expect(answer.status).toBe(200);
      expect(names(answer)).toEqual(['shop.web-2', 'redis-1', 'shop.web-3', 'shop.web-1']);
      expect(answer.body.stats[3]).toEqual({
        container_id: 'shop.web-1',
        cpu: { usage: 5, limit: null, num_cores: 2 },
        memory: { usage: 300, limit: 1_000_000 },
        network: {
          internal: NO_TRAFFIC,
          external: {
            interfaces: [],
            rx_bytes: 500,
            rx_bytes_per_second: 200,
            tx_bytes: 250,
            tx_bytes_per_second: 100,
          },
        },
      });
    });

    it('sorts by memory or traffic and takes a limit', async () => {
      expect(names(await member.get(`/v1/grids/${GRID}/stats?sort=memory`))).toEqual([
        'shop.web-3',
        'shop.web-1',
        'redis-1',
        'shop.web-2',
      ]);
      expect(names(await member.get(`/v1/grids/${GRID}/stats?sort=rx_bytes&limit=2`))).toEqual([
        'shop.web-3',
        'shop.web-1',
      ]);
      expect(names(await member.get(`/v1/grids/${GRID}/stats?sort=tx_bytes&limit=1`))).toEqual([
        'shop.web-3',
      ]);
    });

    it("lists a node's and a service's containers", async () => {
      expect(names(await member.get(`/v1/nodes/${GRID}/node-1/stats`))).toEqual([
        'shop.web-2',
        'redis-1',
        'shop.web-1',
      ]);
      expect(names(await member.get(`/v1/nodes/${GRID}/AAAA:BBBB:0001/stats`))).toEqual(['shop.web-3']);
      expect(names(await member.get(`/v1/services/${GRID}/shop/web/stats`))).toEqual([
        'shop.web-2',
        'shop.web-3',
        'shop.web-1',
      ]);
      expect(names(await member.get(`/v1/services/${GRID}/null/redis/stats`))).toEqual(['redis-1']);
      expect(await member.get(`/v1/nodes/${GRID}/waiting/stats`)).toMatchObject({
        status: 200,
        body: { stats: [] },
      });
    });

    it('refuses a sort or limit it cannot use', async () => {
      for (const path of [
        `/v1/grids/${GRID}/stats`,
        `/v1/nodes/${GRID}/node-1/stats`,
        `/v1/services/${GRID}/shop/web/stats`,
      ]) {
        expect(await member.get(`${path}?sort=disk&limit=0`)).toMatchObject({
          status: 400,
          body: {
            error: {
              sort: 'Sort must be one of cpu, memory, rx_bytes, tx_bytes',
              limit: 'Limit must be a positive integer',
            },
          },
        });
      }
    });
  });

  describe('metrics', () => {
    const window = `from=${new Date(minute - MINUTE).toISOString()}&to=${new Date(minute + MINUTE).toISOString()}`;

    it("answers a node's minute as the average of its samples", async () => {
      const answer = await member.get(`/v1/nodes/${GRID}/node-1/metrics?${window}`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        from: new Date(minute - MINUTE).toISOString(),
        to: new Date(minute + MINUTE).toISOString(),
        stats: [
          {
            timestamp: new Date(minute).toISOString(),
            cpu: { used: 20, cores: 2 },
            memory: { used: 200, total: 4000, free: 3800, active: 0, inactive: 0, cached: 100, buffers: 50 },
            filesystem: { used: 100, total: 1000 },
            network: {
              internal: NO_TRAFFIC,
              external: {
                interfaces: [],
                rx_bytes: 1000,
                rx_bytes_per_second: 0,
                tx_bytes: 2000,
                tx_bytes_per_second: 0,
              },
            },
          },
        ],
      });
    });

    it("averages cpu across a grid's nodes and sums the rest", async () => {
      const [point] = (await member.get(`/v1/grids/${GRID}/metrics?${window}`)).body.stats;
      expect(point).toMatchObject({
        cpu: { used: 35, cores: 4 },
        memory: { used: 700, total: 8000 },
        filesystem: { used: 200, total: 2000 },
      });
    });

    it("sums a service's instances, each node's cores once, without filesystem", async () => {
      const [point] = (await member.get(`/v1/services/${GRID}/shop/web/metrics?${window}`)).body.stats;
      expect(point).toMatchObject({ cpu: { used: 55, cores: 4 }, memory: { used: 800, total: 3_000_000 } });
      expect(point).not.toHaveProperty('filesystem');
    });

    it('defaults to the last hour, and answers nothing for a window without samples', async () => {
      const recent = await member.get(`/v1/grids/${GRID}/metrics`);
      expect(recent.status).toBe(200);
      expect(Date.parse(recent.body.to) - Date.parse(recent.body.from)).toBe(60 * MINUTE);
      expect(recent.body.stats).toHaveLength(1);
      expect(
        await member.get(
          `/v1/nodes/${GRID}/node-1/metrics?from=2017-01-01T12:00:00Z&to=2017-01-01 12:15:00 UTC`,
        ),
      ).toMatchObject({
        status: 200,
        body: { from: '2017-01-01T12:00:00.000Z', to: '2017-01-01T12:15:00.000Z', stats: [] },
      });
    });

    it('refuses times it cannot read and windows that end before they start', async () => {
      for (const path of [
        `/v1/grids/${GRID}/metrics`,
        `/v1/nodes/${GRID}/node-1/metrics`,
        `/v1/services/${GRID}/shop/web/metrics`,
      ]) {
        expect(await member.get(`${path}?from=yesterday`)).toMatchObject({
          status: 400,
          body: { error: { from: 'From must be an ISO 8601 time, such as 2017-01-01T12:15:00Z' } },
        });
        expect(await member.get(`${path}?from=2017-01-02T00:00:00Z&to=2017-01-01T00:00:00Z`)).toMatchObject({
          status: 400,
          body: { error: { from: 'From must not be after To' } },
        });
      }
    });
  });

  describe('the node JSON and node health', () => {
    it('shows the latest sample as resource_usage and the last heartbeat as last_seen_at', async () => {
      const beat = new Date(Date.now() + 1_000);
      await agent.heartbeat(`${GRID}/node-1`, beat);
      const node = await member.get(`/v1/nodes/${GRID}/node-1`);
      expect(node.status).toBe(200);
      expect(node.body.last_seen_at).toBe(beat.toISOString());
      expect(node.body.resource_usage).toEqual({
        memory: { total: 4000, used: 300, free: 3700, active: 0, inactive: 0, cached: 100, buffers: 50 },
        load: { '1m': 0.5, '5m': 0.25, '15m': 0.125 },
        filesystem: { name: '/var/lib/kontena', used: 100, total: 1000 },
        usage: { container_seconds: 6 },
        cpu: { usage_pct: 30, num_cores: 2 },
      });
      const listed = (await member.get(`/v1/grids/${GRID}/nodes`)).body.nodes;
      expect(listed.find((n: { name: string }) => n.name === 'node-1')).toEqual(node.body);
      expect(listed.find((n: { name: string }) => n.name === 'waiting')).toMatchObject({
        last_seen_at: null,
        resource_usage: {},
      });
      const updated = await admin.put(`/v1/nodes/${GRID}/node-1`, { labels: ['az=a'] });
      expect(updated.body).toMatchObject({
        labels: ['az=a'],
        last_seen_at: beat.toISOString(),
        resource_usage: node.body.resource_usage,
      });
    });

    it("answers a connected node's health while its agent heartbeats", async () => {
      await agent.heartbeat(`${GRID}/node-1`);
      const health = await member.get(`/v1/nodes/${GRID}/node-1/health`);
      expect(health).toMatchObject({ status: 200 });
      expect(health.body).toEqual({
        id: `${GRID}/node-1`,
        name: 'node-1',
        node_number: expect.any(Number),
        initial_member: true,
        status: 'online',
        connected_at: ISO,
        disconnected_at: null,
        connected: true,
        etcd_health: { health: true, error: null },
      });
    });

    it('answers 422 for a node that is not connected or whose agent went quiet, as Kontena', async () => {
      expect(await member.get(`/v1/nodes/${GRID}/waiting/health`)).toMatchObject({
        status: 422,
        body: { error: { connection: 'Websocket is not connected' } },
      });
      expect(await member.get(`/v1/nodes/${GRID}/node-2/health`)).toMatchObject({
        status: 422,
        body: { error: { etcd_health: 'No heartbeat from the agent since it connected' } },
      });
      await agent.heartbeat(`${GRID}/node-2`, new Date(Date.now() - 60_000));
      const quiet = await member.get(`/v1/nodes/${GRID}/node-2/health`);
      expect(quiet.status).toBe(422);
      expect(quiet.body.error.etcd_health).toMatch(/^No heartbeat from the agent for 6\ds$/);
    });
  });

  describe('when a node stops running an instance', () => {
    it('leaves the stats of its grid, node and service', async () => {
      await agent.publish(
        stats('node-1', Math.max(Date.now(), minute + 4_000), 30, [
          instance('shop/web/1', 5, 300, 500),
          instance('null/redis/1', 20, 200, 50),
        ]),
      );
      await agent.drained();
      expect(names(await member.get(`/v1/grids/${GRID}/stats`))).toEqual([
        'redis-1',
        'shop.web-3',
        'shop.web-1',
      ]);
      expect(names(await member.get(`/v1/nodes/${GRID}/node-1/stats`))).toEqual(['redis-1', 'shop.web-1']);
      expect(names(await member.get(`/v1/services/${GRID}/shop/web/stats`))).toEqual([
        'shop.web-3',
        'shop.web-1',
      ]);
    });
  });

  describe('access', () => {
    const routes = [
      `/v1/grids/${GRID}/stats`,
      `/v1/grids/${GRID}/metrics`,
      `/v1/nodes/${GRID}/node-1/stats`,
      `/v1/nodes/${GRID}/node-1/metrics`,
      `/v1/nodes/${GRID}/node-1/health`,
      `/v1/services/${GRID}/shop/web/stats`,
      `/v1/services/${GRID}/shop/web/metrics`,
    ];

    it('answers 401 without a valid token and 403 to users outside the grid', async () => {
      for (const path of routes) {
        expect({ path, ...(await system.api.get(path, { token: null })) }).toMatchObject({
          path,
          status: 401,
          body: { error: 'invalid_token' },
        });
        expect({ path, ...(await outsider.get(path)) }).toMatchObject({
          path,
          status: 403,
          body: { error: 'Access denied' },
        });
      }
    });

    it('answers 404 for unknown grids, nodes and services, before looking at parameters', async () => {
      for (const path of [
        '/v1/grids/nope/stats',
        '/v1/grids/nope/metrics',
        `/v1/nodes/${GRID}/nope/stats?sort=disk`,
        `/v1/nodes/${GRID}/nope/metrics?from=x`,
        `/v1/nodes/${GRID}/NO:SUCH:AGENT/health`,
        `/v1/services/${GRID}/shop/nope/stats`,
        `/v1/services/${GRID}/nope/web/metrics`,
      ]) {
        expect({ path, ...(await admin.get(path)) }).toMatchObject({
          path,
          status: 404,
          body: { error: 'Not found' },
        });
      }
    });
  });
});
