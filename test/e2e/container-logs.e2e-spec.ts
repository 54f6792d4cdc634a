import type { ContainerLogReport } from '@libs/queues';
import { ApiClient, RunningSystem, startSystem, TelemetryAgent, userWith } from '@libs/testing';
import { openStream, RawStream, serverSentEvents } from './support/raw-http';

const GRID = 'clg';
const ID = expect.stringMatching(/^\d+-\d+$/);

interface Line {
  id: string;
  name: string;
  data: string;
  created_at: string;
  [key: string]: unknown;
}

/** Kontena's container log JSON (`_container_log.json.jbuilder`), in its order. */
const LINE_KEYS = [
  'id',
  'name',
  'container_id',
  'instance_number',
  'service',
  'stack',
  'grid',
  'node',
  'created_at',
  'type',
  'data',
];

const logs = (
  node: string,
  entries: [instance: string, data: string, stream?: 'stdout' | 'stderr'][],
  at = new Date(),
): ContainerLogReport => ({
  kind: 'logs',
  nodeId: `${GRID}/${node}`,
  entries: entries.map(([instance, data, stream = 'stdout']) => ({
    instanceId: `${GRID}/${instance}`,
    stream,
    data,
    at: at.toISOString(),
  })),
});

describe('container logs over HTTP', () => {
  let system: RunningSystem;
  let admin: ApiClient;
  let member: ApiClient;
  let outsider: ApiClient;
  let agent: TelemetryAgent;
  const open: RawStream[] = [];
  /** Between the first batch and the rest. */
  let middle: Date;

  const follow = async (path: string, headers: Record<string, string> = {}) => {
    const stream = await openStream(system.api.baseUrl, path, {
      Authorization: `Bearer ${member.token}`,
      ...headers,
    });
    open.push(stream);
    return stream;
  };
  const lines = async (path: string): Promise<Line[]> => {
    const answer = await member.get(path);
    expect({ path, status: answer.status }).toEqual({ path, status: 200 });
    return answer.body.logs as Line[];
  };
  const data = (found: Line[]) => found.map((l) => l.data);
  const jsonChunks = (stream: RawStream) =>
    stream.chunks.filter((c) => c !== ' ').map((c) => JSON.parse(c) as Line);

  beforeAll(async () => {
    system = await startSystem();
    const reconciler = await system.startApp('reconciler');
    await reconciler.waitForLog((line) => line.msg === 'telemetry worker started');
    admin = system.admin;
    agent = new TelemetryAgent(system.redisPrefix);
    expect((await admin.post('/v1/grids', { name: GRID })).status).toBe(201);
    const stack = await admin.post(`/v1/grids/${GRID}/stacks`, {
      name: 'shop',
      stack: 'test/shop',
      version: '0.1.0',
      registry: 'file://',
      source: '…',
      services: [
        { name: 'web', image: 'web:1', stateful: false },
        { name: 'api', image: 'api:1', stateful: false },
      ],
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

    await agent.publish(
      logs('node-1', [
        ['shop/web/1', 'GET / 200'],
        ['null/redis/1', 'Ready to accept connections'],
        ['shop/api/1', 'Connection REFUSED by db', 'stderr'],
      ]),
    );
    await agent.drained();
    await new Promise((resolve) => setTimeout(resolve, 20));
    middle = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await agent.publish(
      logs('node-2', [
        ['shop/web/2', 'GET /health 200'],
        ...Array.from({ length: 150 }, (_, i): [string, string] => ['shop/web/2', `request ${i + 1}`]),
      ]),
    );
    await agent.drained();
  }, 90_000);

  afterAll(async () => {
    for (const stream of open) stream.close();
    await agent?.close();
    await system?.stop();
  }, 30_000);

  it("answers Kontena's container log JSON, with an id to resume from", async () => {
    const answer = await member.get(`/v1/services/${GRID}/null/redis/container_logs`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual({
      logs: [
        {
          id: ID,
          name: 'redis-1',
          container_id: `${GRID}/node-1/redis-1`,
          instance_number: 1,
          service: { id: `${GRID}/null/redis`, name: 'redis' },
          stack: { id: `${GRID}/null`, name: 'null' },
          grid: { id: GRID, name: GRID },
          node: { name: 'node-1' },
          created_at: expect.stringMatching(/Z$/),
          type: 'stdout',
          data: 'Ready to accept connections',
        },
      ],
    });
    expect(Object.keys(answer.body.logs[0])).toEqual(LINE_KEYS);
  });

  it('answers the most recent 100 lines, oldest first; limit ≤ 0 means 100', async () => {
    const recent = await lines(`/v1/grids/${GRID}/container_logs`);
    expect(recent).toHaveLength(100);
    expect(recent.at(-1)!.data).toBe('request 150');
    expect(recent[0].data).toBe('request 51');
    expect(data(await lines(`/v1/grids/${GRID}/container_logs?limit=0`))).toEqual(data(recent));
    expect(data(await lines(`/v1/grids/${GRID}/container_logs?limit=-5`))).toEqual(data(recent));
    expect(data(await lines(`/v1/grids/${GRID}/container_logs?limit=2`))).toEqual([
      'request 149',
      'request 150',
    ]);
    expect(await lines(`/v1/grids/${GRID}/container_logs?limit=20000`)).toHaveLength(154);
  });

  it('pages on from the id of a line, and takes lines written after a time', async () => {
    const all = await lines(`/v1/grids/${GRID}/container_logs?limit=1000`);
    expect(data(all.slice(0, 4))).toEqual([
      'GET / 200',
      'Ready to accept connections',
      'Connection REFUSED by db',
      'GET /health 200',
    ]);
    expect(new Set(all.map((l) => l.id)).size).toBe(all.length);
    expect(data(await lines(`/v1/grids/${GRID}/container_logs?from=${all[1].id}&limit=2`))).toEqual([
      'Connection REFUSED by db',
      'GET /health 200',
    ]);
    // A line has the same id in every log it is in.
    const [api] = await lines(`/v1/stacks/${GRID}/shop/container_logs?container=shop.api-1`);
    expect(api.id).toBe(all[2].id);
    expect(data(await lines(`/v1/services/${GRID}/shop/api/container_logs?from=${all[1].id}`))).toEqual([
      'Connection REFUSED by db',
    ]);
    const since = await lines(`/v1/grids/${GRID}/container_logs?since=${middle.toISOString()}&limit=1000`);
    expect(since).toHaveLength(151);
    expect(since[0].data).toBe('GET /health 200');
    // `from` wins over `since`, as in Kontena.
    expect(
      await lines(`/v1/grids/${GRID}/container_logs?since=${middle.toISOString()}&from=0-0&limit=1000`),
    ).toHaveLength(154);
  });

  it("filters a grid's lines by containers, nodes and services", async () => {
    const grid = `/v1/grids/${GRID}/container_logs`;
    expect(data(await lines(`${grid}?containers=shop.web-1,redis-1`))).toEqual([
      'GET / 200',
      'Ready to accept connections',
    ]);
    expect(data(await lines(`${grid}?nodes=node-1`))).toEqual([
      'GET / 200',
      'Ready to accept connections',
      'Connection REFUSED by db',
    ]);
    expect(data(await lines(`${grid}?services=redis,shop/api`))).toEqual([
      'Ready to accept connections',
      'Connection REFUSED by db',
    ]);
    expect(data(await lines(`${grid}?services=shop/web&nodes=node-2&limit=1`))).toEqual(['request 150']);
    expect(await lines(`${grid}?services=nope`)).toEqual([]);
  });

  it("answers a stack's and a service's lines, with container, instance and search filters", async () => {
    expect(data(await lines(`/v1/stacks/${GRID}/shop/container_logs?search=refused`))).toEqual([
      'Connection REFUSED by db',
    ]);
    expect(data(await lines(`/v1/stacks/${GRID}/null/container_logs`))).toEqual([
      'Ready to accept connections',
    ]);
    expect(data(await lines(`/v1/services/${GRID}/shop/web/container_logs?instance=1`))).toEqual([
      'GET / 200',
    ]);
    expect(
      data(await lines(`/v1/services/${GRID}/shop/web/container_logs?container=shop.web-2&search=HEALTH`)),
    ).toEqual(['GET /health 200']);
    expect(await lines(`/v1/services/${GRID}/shop/web/container_logs?instance=7`)).toEqual([]);
  });

  it('says which parameter it cannot use', async () => {
    for (const [path, error] of [
      [`/v1/grids/${GRID}/container_logs?limit=abc`, { limit: 'Limit must be an integer' }],
      [
        `/v1/grids/${GRID}/container_logs?since=yesterday`,
        { since: 'Since must be an ISO 8601 time, such as 2017-01-01T12:00:00Z' },
      ],
      [
        `/v1/grids/${GRID}/container_logs?from=5a0c1f2e3d4b5a6978123456`,
        { from: 'From must be an event log id, such as 1700000000000-0' },
      ],
      [`/v1/stacks/${GRID}/shop/container_logs?limit=1.5&follow=1`, { limit: 'Limit must be an integer' }],
      [
        `/v1/services/${GRID}/shop/web/container_logs?instance=first`,
        { instance: 'Instance must be an instance number' },
      ],
    ] as const) {
      const answer = await member.get(path);
      expect({ path, status: answer.status, body: answer.body }).toEqual({
        path,
        status: 400,
        body: { error },
      });
    }
  });

  it("follows in Kontena's chunked format: one line per chunk, a space when idle, new lines live", async () => {
    const base = `/v1/services/${GRID}/shop/web/container_logs`;
    const recent = await lines(`${base}?limit=2`);
    const stream = await follow(`${base}?follow=1&limit=2`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^application\/json/);
    expect(stream.headers['transfer-encoding']).toBe('chunked');
    await stream.until(() => stream.chunks.length >= 2, 'the last two lines');
    expect(stream.chunks.slice(0, 2).map((c) => JSON.parse(c))).toEqual(recent);
    await stream.until(() => stream.chunks.filter((c) => c === ' ').length >= 1, 'a keep-alive', 3_000);

    await agent.publish(
      logs('node-1', [
        ['shop/web/1', 'live one'],
        ['shop/api/1', 'not this service'],
        ['shop/web/3', 'live two'],
      ]),
    );
    await stream.until(() => jsonChunks(stream).length >= 4, 'the new lines');
    expect(data(jsonChunks(stream).slice(2))).toEqual(['live one', 'live two']);
    expect(jsonChunks(stream).slice(2)).toEqual(await lines(`${base}?limit=2`));
    stream.close();
  });

  it('follows with filters, and as Server-Sent Events resumed after Last-Event-ID', async () => {
    const filtered = await follow(`/v1/grids/${GRID}/container_logs?follow=true&containers=redis-1&limit=1`);
    await filtered.until(() => jsonChunks(filtered).length === 1, 'the last redis line');

    const base = `/v1/stacks/${GRID}/null/container_logs`;
    const first = await follow(`${base}?limit=1`, { Accept: 'text/event-stream' });
    expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = (s: RawStream) => serverSentEvents(s.chunks.join(''));
    await first.until(() => events(first).length === 1, 'one event');
    const seen = events(first)[0];
    expect(JSON.parse(seen.data).id).toBe(seen.id);
    first.close();

    await agent.publish(
      logs('node-1', [
        ['null/redis/1', 'missed while away'],
        ['shop/web/1', 'other stack'],
      ]),
    );
    await agent.drained();
    const second = await follow(`${base}?limit=5`, {
      Accept: 'text/event-stream',
      'Last-Event-ID': seen.id!,
    });
    await second.until(() => events(second).length === 1, 'the missed line');
    await agent.publish(logs('node-1', [['null/redis/1', 'live']]));
    await second.until(() => events(second).length === 2, 'a live line');
    expect(events(second).map((e) => JSON.parse(e.data).data)).toEqual(['missed while away', 'live']);
    await filtered.until(() => jsonChunks(filtered).length === 3, 'the redis lines only');
    expect(data(jsonChunks(filtered))).toEqual(['Ready to accept connections', 'missed while away', 'live']);
  });

  describe('access', () => {
    const routes = [
      `/v1/grids/${GRID}/container_logs`,
      `/v1/stacks/${GRID}/shop/container_logs`,
      `/v1/services/${GRID}/shop/web/container_logs`,
    ];

    it('answers 401 without a valid token and 403 to users outside the grid, also when following', async () => {
      for (const path of routes) {
        for (const query of ['', '?follow=true']) {
          expect({ path, ...(await system.api.get(`${path}${query}`, { token: null })) }).toMatchObject({
            path,
            status: 401,
            body: { error: 'invalid_token' },
          });
          expect({ path, ...(await outsider.get(`${path}${query}`)) }).toMatchObject({
            path,
            status: 403,
            body: { error: 'Access denied' },
          });
        }
      }
    });

    it('answers 404 for unknown grids, stacks and services, with Kontena bodies', async () => {
      for (const [path, body] of [
        ['/v1/grids/nope/container_logs', { error: 'Not found' }],
        ['/v1/stacks/nope/shop/container_logs', { error: 'Not found' }],
        [`/v1/stacks/${GRID}/nope/container_logs?follow=1`, {}],
        [`/v1/services/${GRID}/shop/nope/container_logs?limit=abc`, { error: 'Not found' }],
      ] as const) {
        const answer = await admin.get(path);
        expect({ path, status: answer.status, body: answer.body }).toEqual({ path, status: 404, body });
      }
    });
  });
});
