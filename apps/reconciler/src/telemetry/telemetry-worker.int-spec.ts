import type Redis from 'ioredis';
import pino from 'pino';
import { sendTelemetry, StatsReport, TELEMETRY_STREAM, TelemetryReport } from '@libs/queues';
import { AgentDataKeys, CONTAINER_LOG_FIELD, metricsPoint, parseMetricsMinute } from '@libs/read-model';
import { deletePrefix, testRedis, uniquePrefix } from '@libs/testing';
import { minuteOf } from './metrics-minutes';
import { startTelemetryWorker, TelemetryWorker } from './telemetry-worker';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function eventually<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the telemetry worker, with real Redis', () => {
  const prefix = uniquePrefix('telemetry');
  const keys = new AgentDataKeys(prefix);
  const streamKey = TELEMETRY_STREAM.key(prefix);
  let redis: Redis;
  let worker: TelemetryWorker;
  const logs: string[] = [];

  /** Publishes a report as an agent does: an entry on the telemetry stream, sent at `sentAt` by its clock. */
  const publish = (report: TelemetryReport, sentAt?: number) =>
    sendTelemetry(redis, prefix, [report], sentAt);
  const stream = async (scope: 'grid' | 'stack' | 'service', id: string) =>
    (await redis.xrange(keys.containerLogs(scope, id), '-', '+')).map(([entryId, fields]) => ({
      id: entryId,
      ...JSON.parse(fields[fields.indexOf(CONTAINER_LOG_FIELD) + 1]),
    }));

  beforeAll(async () => {
    redis = testRedis();
    worker = await startTelemetryWorker({
      redisUrl: REDIS_URL,
      prefix,
      logger: pino({ level: 'info' }, { write: (line: string) => logs.push(line) }),
      sharedLogs: { perSecond: 1, burst: 3 },
      summaryIntervalMs: 100,
      reclaimIntervalMs: 100,
      reclaimIdleMs: 300,
    });
  });

  afterAll(async () => {
    await worker?.close();
    await deletePrefix(redis, prefix);
    redis?.disconnect();
  });

  it('writes each log line into its grid, stack and service streams under one id, in order', async () => {
    const at = new Date().toISOString();
    await publish({
      kind: 'logs',
      nodeId: 'logs-grid/node-1',
      entries: [
        { instanceId: 'logs-grid/web/api/1', stream: 'stdout', data: 'first', at },
        { instanceId: 'logs-grid/web/api/2', stream: 'stderr', data: 'second', at },
        { instanceId: 'logs-grid/null/redis/1', stream: 'stdout', data: 'third', at },
        { instanceId: 'other-grid/web/api/1', stream: 'stdout', data: 'not this grid', at },
      ],
    });
    const grid = await eventually(async () => {
      const entries = await stream('grid', 'logs-grid');
      return entries.length === 3 && entries;
    });
    expect(grid.map((e) => [e.name, e.type, e.data])).toEqual([
      ['web.api-1', 'stdout', 'first'],
      ['web.api-2', 'stderr', 'second'],
      ['redis-1', 'stdout', 'third'],
    ]);
    expect(grid[0]).toEqual({
      id: expect.stringMatching(/^\d+-\d+$/),
      name: 'web.api-1',
      container_id: 'logs-grid/node-1/web.api-1',
      instance_number: 1,
      service: { id: 'logs-grid/web/api', name: 'api' },
      stack: { id: 'logs-grid/web', name: 'web' },
      grid: { id: 'logs-grid', name: 'logs-grid' },
      node: { name: 'node-1' },
      created_at: at,
      type: 'stdout',
      data: 'first',
    });
    expect(await stream('stack', 'logs-grid/web')).toEqual(grid.slice(0, 2));
    expect(await stream('service', 'logs-grid/web/api')).toEqual(grid.slice(0, 2));
    expect(await stream('service', 'logs-grid/null/redis')).toEqual([grid[2]]);
    expect(await stream('stack', 'logs-grid/null')).toEqual([grid[2]]);
    expect(await redis.exists(keys.containerLogs('grid', 'other-grid'))).toBe(0);
  });

  it("keeps a chatty instance's lines beyond its budget in its service's stream only", async () => {
    const at = new Date().toISOString();
    const entries = Array.from({ length: 10 }, (_, i) => ({
      instanceId: 'chatty-grid/s/loud/1',
      stream: 'stdout' as const,
      data: `loud ${i}`,
      at,
    }));
    await publish({
      kind: 'logs',
      nodeId: 'chatty-grid/node-1',
      entries: [...entries, { instanceId: 'chatty-grid/s/quiet/1', stream: 'stdout', data: 'quiet', at }],
    });
    const service = await eventually(async () => {
      const lines = await stream('service', 'chatty-grid/s/loud');
      return lines.length === 10 && lines;
    });
    const grid = await eventually(async () => {
      const lines = await stream('grid', 'chatty-grid');
      return lines.some((l) => l.data === 'quiet') && lines;
    });
    expect(grid.map((l) => l.data)).toEqual(['loud 0', 'loud 1', 'loud 2', 'quiet']);
    // Same ids wherever a line is, and ids keep increasing across all of a grid's streams.
    expect(grid.slice(0, 3)).toEqual(service.slice(0, 3));
    const ids = [...service.map((l) => l.id), grid[3].id];
    expect([...ids].sort(compareIds)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('records latest samples, what runs where, and per-minute metrics of node, grid and service', async () => {
    const minute = minuteOf(Date.now());
    const report = (
      node: string,
      second: number,
      cpu: number,
      instances: StatsReport['instances'],
    ): StatsReport => ({
      kind: 'stats',
      nodeId: `stats-grid/${node}`,
      at: new Date(minute + second * 1000).toISOString(),
      node: {
        cpu_usage_pct: cpu,
        cores: 2,
        memory: { total: 1000, used: cpu * 10, free: 1000 - cpu * 10, cached: 1, buffers: 2 },
        load: [1, 2, 3],
        network: { rx_bytes: second * 100, tx_bytes: 0 },
      },
      instances,
    });
    const web = (n: number, cpu: number) => ({
      instanceId: `stats-grid/shop/web/${n}`,
      cpu_pct: cpu,
      memory_bytes: 100 * n,
      memory_limit: 1000,
    });

    await publish(report('node-1', 1, 10, [web(1, 5), web(2, 7)]));
    await eventually(() => redis.exists(keys.nodeStats('stats-grid/node-1')));
    await publish(report('node-2', 1, 50, [web(3, 20)]));
    await publish(report('node-1', 3, 30, [web(1, 15)]));
    await eventually(
      async () =>
        (await redis.hget(keys.metricsMinute('node', 'stats-grid/node-1', minute), 'count')) === '2' &&
        (await redis.exists(keys.nodeStats('stats-grid/node-2'))),
    );

    expect(JSON.parse((await redis.get(keys.nodeStats('stats-grid/node-1')))!)).toMatchObject({
      node_id: 'stats-grid/node-1',
      cpu: { usage_pct: 30, num_cores: 2 },
      network: { external: { rx_bytes: 300, rx_bytes_per_second: 100 } },
      usage: { container_seconds: 2 },
    });
    expect(JSON.parse((await redis.get(keys.instanceStats('stats-grid/shop/web/1')))!)).toMatchObject({
      name: 'shop.web-1',
      node: 'node-1',
      cpu: { usage_pct: 15, num_cores: 2 },
      memory: { usage: 100, limit: 1000 },
    });

    // node-1's last report no longer lists web-2: it stopped there.
    const members = async (scope: 'grid' | 'node' | 'service', id: string) =>
      (await redis.zrange(keys.runningInstances(scope, id), 0, -1)).sort();
    expect(await members('node', 'stats-grid/node-1')).toEqual(['stats-grid/shop/web/1|stats-grid/node-1']);
    expect(await members('grid', 'stats-grid')).toEqual([
      'stats-grid/shop/web/1|stats-grid/node-1',
      'stats-grid/shop/web/3|stats-grid/node-2',
    ]);
    expect(await members('service', 'stats-grid/shop/web')).toEqual([
      'stats-grid/shop/web/1|stats-grid/node-1',
      'stats-grid/shop/web/3|stats-grid/node-2',
    ]);

    const point = async (scope: 'node' | 'grid' | 'service', id: string) => {
      expect(await redis.zrange(keys.metrics(scope, id), 0, -1)).toEqual([String(minute)]);
      return metricsPoint(
        scope,
        parseMetricsMinute(minute, await redis.hgetall(keys.metricsMinute(scope, id, minute)))!,
      );
    };
    expect((await point('node', 'stats-grid/node-1')).cpu).toEqual({ used: 20, cores: 2 });
    // Grid: node-1 averages 20 %, node-2 50 %: cpu averaged across nodes, the rest summed.
    const grid = await point('grid', 'stats-grid');
    expect(grid.cpu).toEqual({ used: 35, cores: 4 });
    expect(grid.memory).toMatchObject({ used: 700, total: 2000 });
    // Service: node-1 averages (5+7, 15) → 13.5 and (100+200, 100) → 200 bytes; node-2 20 % and 300 bytes.
    const service = await point('service', 'stats-grid/shop/web');
    expect(service.cpu).toEqual({ used: 33.5, cores: 4 });
    expect(service.memory).toMatchObject({ used: 500 });
    expect(await redis.ttl(keys.metricsMinute('grid', 'stats-grid', minute))).toBeGreaterThan(23 * 3600);
  });

  it('drops reports that waited too long, and samples far from its clock', async () => {
    await publish(
      {
        kind: 'logs',
        nodeId: 'late-grid/node-1',
        entries: [
          { instanceId: 'late-grid/s/x/1', stream: 'stdout', data: 'late', at: new Date().toISOString() },
        ],
      },
      Date.now() - 10 * 60_000,
    );
    await publish({ ...statsAt('late-grid/node-2', new Date(Date.now() - 20 * 60_000)) });
    await publish({
      kind: 'logs',
      nodeId: 'late-grid/node-1',
      entries: [
        { instanceId: 'late-grid/s/x/1', stream: 'stdout', data: 'on time', at: new Date().toISOString() },
      ],
    });
    const lines = await eventually(async () => {
      const entries = await stream('grid', 'late-grid');
      return entries.length > 0 && entries;
    });
    expect(lines.map((l) => l.data)).toEqual(['on time']);
    expect(await redis.exists(keys.nodeStats('late-grid/node-2'))).toBe(0);
  });

  it('keeps no report it took, and logs counts but never a line', async () => {
    await eventually(async () => (await redis.xlen(streamKey)) === 0);
    expect(await redis.xpending(streamKey, TELEMETRY_STREAM.group)).toEqual([0, null, null, null]);
    // Counts are summarised on an interval, so the summary that includes the previous test's late report may
    // still be pending when the queue is already empty: wait for it rather than for any summary.
    const summaries = await eventually(async () => {
      const found = logs.filter((line) => line.includes('telemetry taken'));
      return found.some((line) => line.includes('"reportsTooOld":1')) && found;
    });
    const all = logs.join('');
    expect(summaries.join('')).toMatch(/"logLines":\d+/);
    for (const data of ['first', 'loud 1', 'not this grid', 'on time'])
      expect(all).not.toContain(`"${data}"`);
    expect(all).toMatch(/"reportsTooOld":1/);
  });
  it('takes over what a consumer read and never acknowledged (its process died)', async () => {
    const report: TelemetryReport = {
      kind: 'logs',
      nodeId: 'orphan-grid/node-1',
      entries: [
        { instanceId: 'orphan-grid/s/x/1', stream: 'stdout', data: 'orphaned', at: new Date().toISOString() },
      ],
    };
    // Another consumer reads the entry in the same transaction that adds it, before the worker's blocked read
    // is served, and then dies: the entry stays pending with it.
    const { report: r, sentAt: t } = TELEMETRY_STREAM.fields;
    const results = await redis
      .multi()
      .xadd(streamKey, '*', r, JSON.stringify(report), t, Date.now())
      .xreadgroup('GROUP', TELEMETRY_STREAM.group, 'dead-consumer', 'COUNT', 10, 'STREAMS', streamKey, '>')
      .exec();
    const [[, read]] = results![1][1] as [string, [string, string[]][]][];
    expect(read).toHaveLength(1);
    const taken = Date.now();
    const lines = await eventually(async () => {
      const entries = await stream('grid', 'orphan-grid');
      return entries.length > 0 && entries;
    });
    expect(lines.map((l) => l.data)).toEqual(['orphaned']);
    // Not before it had been idle with the dead consumer for `reclaimIdleMs` (300 ms).
    expect(Date.now() - taken).toBeGreaterThanOrEqual(250);
    await eventually(async () => (await redis.xlen(streamKey)) === 0);
    expect((await redis.xpending(streamKey, TELEMETRY_STREAM.group))[0]).toBe(0);
  });

  it('skips an entry it cannot read, and goes on after Redis lost the stream and its group', async () => {
    await redis.xadd(
      streamKey,
      '*',
      TELEMETRY_STREAM.fields.report,
      '{not json',
      TELEMETRY_STREAM.fields.sentAt,
      Date.now(),
    );
    await eventually(async () => (await redis.xlen(streamKey)) === 0);
    await redis.del(streamKey);
    await publish({
      kind: 'logs',
      nodeId: 'lost-grid/node-1',
      entries: [
        {
          instanceId: 'lost-grid/s/x/1',
          stream: 'stdout',
          data: 'after the loss',
          at: new Date().toISOString(),
        },
      ],
    });
    const lines = await eventually(async () => {
      const entries = await stream('grid', 'lost-grid');
      return entries.length > 0 && entries;
    });
    expect(lines.map((l) => l.data)).toEqual(['after the loss']);
  });
});

function statsAt(nodeId: string, at: Date): StatsReport {
  return {
    kind: 'stats',
    nodeId,
    at: at.toISOString(),
    node: {
      cpu_usage_pct: 1,
      memory: { total: 1, used: 1, free: 0, cached: 0, buffers: 0 },
      load: [0, 0, 0],
    },
    instances: [],
  };
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}
