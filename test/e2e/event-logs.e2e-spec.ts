import { readFileSync } from 'node:fs';
import { EventStoreDBClient } from '@eventstore/db-client';
import type { DomainEvent } from '@libs/domain';
import {
  comparePositions,
  disposeClient,
  headOfAll,
  positionFromString,
  streamName,
  toEventData,
} from '@libs/eventstore';
import { currentGeneration, ReadModelKeys } from '@libs/read-model';
import {
  ApiClient,
  dumpPrefix,
  RunningSystem,
  startApp,
  startSystem,
  testRedis,
  userWith,
} from '@libs/testing';
import { openStream, RawStream, serverSentEvents } from './support/raw-http';

/** Kontena's entry JSON (`views/v1/event_logs/_event_log.json.jbuilder`) with the entry's `id` first. */
const ENTRY_KEYS = ['id', 'created_at', 'severity', 'type', 'message', 'meta', 'relationships'];

interface Entry {
  id: string;
  created_at: string;
  severity: number;
  type: string;
  message: string;
  meta: Record<string, unknown> | null;
  relationships: { id: string; type: string }[];
}

/** Entry ids (`<ms>-<seq>`) in numeric order. */
const idOrder = (a: string, b: string) => {
  const [x, y] = [a, b].map((id) => id.split('-').map(BigInt));
  return x[0] !== y[0] ? (x[0] < y[0] ? -1 : 1) : x[1] === y[1] ? 0 : x[1] < y[1] ? -1 : 1;
};

const stackFile = (name: string, services: object[]) => ({
  name,
  stack: `test/${name}`,
  version: '0.1.0',
  registry: 'file://',
  source: 'services: …',
  services,
});

describe('event logs over HTTP', () => {
  let system: RunningSystem;
  let admin: ApiClient;
  let adminEmail: string;
  let outsider: ApiClient;
  let member: ApiClient;
  let client: EventStoreDBClient;
  const open: RawStream[] = [];

  /** Follows over a raw socket, so each HTTP chunk is seen as the server framed it. */
  const follow = async (path: string, headers: Record<string, string> = {}) => {
    const stream = await openStream(system.api.baseUrl, path, {
      Authorization: `Bearer ${admin.token}`,
      ...headers,
    });
    open.push(stream);
    return stream;
  };
  const entries = async (path: string): Promise<Entry[]> => {
    const answer = await admin.get(path);
    expect(answer.status).toBe(200);
    return answer.body.logs as Entry[];
  };
  const jsonChunks = (stream: RawStream) =>
    stream.chunks.filter((c) => c !== ' ').map((c) => JSON.parse(c) as Entry);
  const followEndings = () =>
    system.apps.get('api')!.logs.filter((line) => line.includes('"msg":"event log follow ended"'));
  const followersLeft = async (count: number) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const last = followEndings().at(-1);
      if (last && JSON.parse(last).followers === count) return;
      if (Date.now() > deadline) throw new Error(`the api still has followers: ${last}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const rssKb = () =>
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${system.apps.get('api')!.pid}/status`, 'utf8'))![1]);

  /** What the reconciler (issue 4) will append while it runs a deploy. */
  const reconcilerAppends = async (stream: string, ...events: DomainEvent[]) => {
    for (const event of events) {
      await client.appendToStream(
        stream,
        toEventData(event, {
          actor: { kind: 'system', component: 'reconciler' },
          occurredAt: new Date().toISOString(),
          schemaVersion: 1,
        }),
      );
    }
  };
  const until = async (condition: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 200; i++) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    system = await startSystem();
    admin = system.admin;
    client = EventStoreDBClient.connectionString(system.eventStoreUrl);
    adminEmail = (await admin.get('/v1/user')).body.email;
    expect((await admin.post('/v1/grids', { name: 'elg' })).status).toBe(201);
    outsider = (await userWith(system, { email: 'outsider@example.com' })).api;
    member = (await userWith(system, { email: 'member@example.com', grids: ['elg'] })).api;
  }, 60_000);
  afterEach(() => {
    for (const stream of open.splice(0)) stream.close();
  });
  afterAll(async () => {
    await disposeClient(client);
    await system?.stop();
  }, 30_000);

  it("records a service's lifecycle in its own, its stack's and its grid's logs, visible when each command answers", async () => {
    expect(
      (
        await admin.post(
          '/v1/grids/elg/stacks',
          stackFile('web', [{ name: 'api', image: 'api:1', stateful: false }]),
        )
      ).status,
    ).toBe(201);
    const api = '/v1/services/elg/web/api';
    const last = async () => (await entries(`${api}/event_logs?limit=1`))[0];
    // Read-your-writes: each command's entry is there in the very next read, no waiting.
    expect(await last()).toMatchObject({ type: 'service:create', message: 'service elg/web/api created' });
    expect((await admin.put(api, { image: 'api:2' })).status).toBe(200);
    expect(await last()).toMatchObject({
      type: 'service:update',
      message: 'service elg/web/api updated (revision 2): image',
    });
    expect((await admin.post(`${api}/scale`, { instances: 2 })).status).toBe(200);
    expect(await last()).toMatchObject({ type: 'service:deploy' });
    expect((await admin.post(`${api}/deploy`, {})).status).toBe(200);
    expect(await last()).toMatchObject({
      type: 'service:deploy',
      message: 'service elg/web/api deploy requested',
    });
    expect((await admin.post(`${api}/stop`, {})).status).toBe(200);
    expect(await last()).toMatchObject({
      type: 'service:stop',
      message: 'service elg/web/api stop requested',
    });

    const log = await entries(`${api}/event_logs`);
    expect(log.map((e) => e.type)).toEqual([
      'service:create',
      'service:update',
      'service:scale',
      'service:deploy',
      'service:deploy',
      'service:stop',
    ]);
    expect(log[2]).toMatchObject({
      message: 'service elg/web/api scaled to 2 instances',
      meta: { instances: 2, user: adminEmail },
    });
    for (const entry of log) {
      expect(Object.keys(entry)).toEqual(ENTRY_KEYS);
      expect(entry.id).toMatch(/^\d+-\d+$/);
      expect(entry.severity).toBe(1);
      expect(Date.parse(entry.created_at)).not.toBeNaN();
      expect(entry.relationships).toEqual([
        { id: 'elg', type: 'grid' },
        { id: 'elg/web', type: 'stack' },
        { id: 'elg/web/api', type: 'service' },
      ]);
    }
    expect(log.map((e) => e.id).sort(idOrder)).toEqual(log.map((e) => e.id));

    // The same entries, with the same ids, in the stack's and the grid's logs.
    const stackLog = await entries('/v1/stacks/elg/web/event_logs');
    expect(stackLog.map((e) => e.type)).toEqual(['stack:create', ...log.map((e) => e.type)]);
    expect(stackLog.slice(1).map((e) => e.message)).toEqual(log.map((e) => e.message));
    const gridLog = await entries('/v1/grids/elg/event_logs');
    expect(gridLog.map((e) => e.type)).toEqual([
      'grid:create',
      'grid:assign_user',
      'stack:create',
      ...log.map((e) => e.type),
    ]);

    // Someone following the service sees it go; afterwards the service (and so its log) is not found.
    const follower = await follow(`${api}/event_logs?follow=true&limit=1`);
    await follower.until(() => jsonChunks(follower).length === 1, 'the last entry');
    expect((await admin.delete(api)).status).toBe(200);
    await follower.until(() => jsonChunks(follower).length === 2, 'the removal');
    expect(jsonChunks(follower)[1]).toMatchObject({
      type: 'service:remove',
      message: 'service elg/web/api removed',
    });
    expect((await admin.get(`${api}/event_logs`)).status).toBe(404);
    expect((await entries('/v1/stacks/elg/web/event_logs?limit=1'))[0]).toMatchObject({
      type: 'service:remove',
    });
    expect((await entries('/v1/grids/elg/event_logs?limit=1'))[0]).toMatchObject({
      type: 'service:remove',
      relationships: log[0].relationships,
    });
  });

  it('pages with limit, from and since as Kontena does', async () => {
    expect((await admin.post('/v1/grids', { name: 'pages' })).status).toBe(201);
    for (let i = 0; i < 6; i++)
      expect((await admin.put('/v1/grids/pages', { trusted_subnets: [`10.${i}.0.0/16`] })).status).toBe(200);
    const base = '/v1/grids/pages/event_logs';
    const all = await entries(base);
    expect(all.map((e) => e.type)).toEqual(['grid:create', ...Array(6).fill('grid:update')]);

    expect(await entries(`${base}?limit=3`)).toEqual(all.slice(-3));
    expect(await entries(`${base}?limit=0`)).toEqual(all);
    expect(await entries(`${base}?limit=-7`)).toEqual(all);
    expect(await entries(`${base}?limit=50000`)).toEqual(all);
    expect(await entries(`${base}?from=${all[1].id}&limit=2`)).toEqual(all.slice(2, 4));
    expect(await entries(`${base}?from=${all[1].id}`)).toEqual(all.slice(2));
    expect(await entries(`${base}?from=${all[6].id}`)).toEqual([]);
    const since = all[3].created_at;
    expect(await entries(`${base}?since=${since}`)).toEqual(all.filter((e) => e.created_at > since));
    expect(await entries(`${base}?since=${since}&limit=1`)).toEqual(all.slice(-1));
    // `since` is ignored with `from`.
    expect(await entries(`${base}?since=${since}&from=${all[0].id}`)).toEqual(all.slice(1));
    expect(await entries(`${base}?since=2000-01-01`)).toEqual(all);

    for (const [query, error] of [
      ['limit=abc', { limit: 'Limit must be an integer' }],
      ['from=5a0c1f2e3d4b5a6978123456', { from: 'From must be an event log id, such as 1700000000000-0' }],
      ['since=yesterday', { since: 'Since must be an ISO 8601 time, such as 2017-01-01T12:00:00Z' }],
      ['follow=true&limit=1.5', { limit: 'Limit must be an integer' }],
    ] as const) {
      const answer = await admin.get(`${base}?${query}`);
      expect({ query, status: answer.status, body: answer.body }).toEqual({
        query,
        status: 400,
        body: { error },
      });
    }
    expect(await entries(base)).toEqual(all);
  });

  it("filters the grid's log by nodes, stacks and services, and serves node and null-stack logs", async () => {
    expect((await admin.post('/v1/grids/elg/nodes', { name: 'n1' })).status).toBe(201);
    expect(
      (await admin.post('/v1/grids/elg/services', { name: 'redis', image: 'redis:7', stateful: false }))
        .status,
    ).toBe(201);
    const deploy = await admin.post('/v1/services/elg/null/redis/deploy', {});
    expect(deploy.status).toBe(200);
    const deployStream = streamName('deploy', deploy.body.id);
    await reconcilerAppends(
      deployStream,
      { type: 'ServiceDeployStarted', data: {} },
      { type: 'InstanceDeployStarted', data: { instance_number: 1, node: 'n1', deploy_rev: 'r1' } },
      { type: 'InstanceDeployFinished', data: { instance_number: 1, state: 'success', error: null } },
      { type: 'ServiceDeployFinished', data: { state: 'success', reason: null } },
    );
    await until(
      async () =>
        (await entries('/v1/services/elg/null/redis/event_logs?limit=1'))[0]?.message ===
        'service elg/null/redis deployed',
      'the deploy to finish',
    );

    const redisLog = await entries('/v1/services/elg/null/redis/event_logs');
    expect(redisLog.map((e) => e.message)).toEqual([
      'service elg/null/redis created',
      'service elg/null/redis deploy requested',
      'service elg/null/redis deploy started',
      'deploying service instance elg/null/redis-1 to node n1',
      'service instance elg/null/redis-1 deployed to node n1',
      'service elg/null/redis deployed',
    ]);
    expect(redisLog[3].relationships).toEqual([
      { id: 'elg', type: 'grid' },
      { id: 'elg/null', type: 'stack' },
      { id: 'elg/null/redis', type: 'service' },
      { id: 'elg/n1', type: 'node' },
    ]);

    const nodeLog = await entries('/v1/nodes/elg/n1/event_logs');
    expect(nodeLog.map((e) => e.message)).toEqual([
      'node elg/n1 created',
      redisLog[3].message,
      redisLog[4].message,
    ]);
    expect(nodeLog.slice(1)).toEqual(redisLog.slice(3, 5));

    const grid = (query: string) => entries(`/v1/grids/elg/event_logs?${query}`);
    expect(await grid('nodes=n1')).toEqual(nodeLog);
    expect(await grid('services=null/redis')).toEqual(redisLog);
    expect(await grid('services=redis')).toEqual(redisLog);
    expect(await grid('stacks=null')).toEqual(redisLog);
    expect(await entries('/v1/stacks/elg/null/event_logs')).toEqual(redisLog);
    expect(await grid('services=null/redis&nodes=n1')).toEqual(redisLog.slice(3, 5));
    expect(await grid('nodes=n1,ghost&limit=2')).toEqual(nodeLog.slice(-2));
    const web = await grid('stacks=web');
    expect(web.length).toBeGreaterThan(5);
    expect(web.every((e) => e.relationships.some((r) => r.type === 'stack' && r.id === 'elg/web'))).toBe(
      true,
    );
    for (const unknown of [
      'nodes=ghost',
      'stacks=nope',
      'services=nope/none',
      'stacks=',
      'stacks=web&services=null/redis',
    ])
      expect(await grid(unknown)).toEqual([]);
  });

  it("follows in Kontena's chunked format: one JSON object per chunk, a space when idle, new entries live", async () => {
    const base = '/v1/services/elg/null/redis/event_logs';
    const recent = await entries(`${base}?limit=2`);
    const stream = await follow(`${base}?follow=true&limit=2`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^application\/json/);
    expect(stream.headers['transfer-encoding']).toBe('chunked');
    await stream.until(() => stream.chunks.length >= 2, 'the last two entries');
    expect(stream.chunks.slice(0, 2).map((c) => JSON.parse(c))).toEqual(recent);

    await stream.until(() => stream.chunks.filter((c) => c === ' ').length >= 2, 'keep-alives', 3_000);
    expect((await admin.post('/v1/services/elg/null/redis/scale', { instances: 3 })).status).toBe(200);
    await stream.until(() => jsonChunks(stream).length >= 4, 'the new entries');
    expect(
      jsonChunks(stream)
        .slice(2)
        .map((e) => e.type),
    ).toEqual(['service:scale', 'service:deploy']);
    expect(jsonChunks(stream).slice(2)).toEqual(await entries(`${base}?limit=2`));
    for (const chunk of stream.chunks) {
      if (chunk === ' ') continue;
      const entry = JSON.parse(chunk);
      expect(Object.keys(entry)).toEqual(ENTRY_KEYS);
    }

    const before = followEndings().length;
    stream.close();
    await until(async () => followEndings().length > before, 'the api to let the follower go');
    await followersLeft(0);
  });

  it('streams Server-Sent Events and resumes after Last-Event-ID without losing or repeating an entry', async () => {
    const base = '/v1/services/elg/null/redis/event_logs';
    const first = await follow(`${base}?limit=3`, { Accept: 'text/event-stream' });
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = (s: RawStream) => serverSentEvents(s.chunks.join(''));
    await first.until(() => events(first).length === 3, 'three events');
    await first.until(
      () => first.chunks.join('').includes(': keep-alive\n\n'),
      'a keep-alive comment',
      3_000,
    );
    const seen = events(first).map((e) => ({ id: e.id!, entry: JSON.parse(e.data) as Entry }));
    for (const { id, entry } of seen) expect(entry.id).toBe(id);
    first.close();

    // Missed while disconnected.
    expect((await admin.post('/v1/services/elg/null/redis/scale', { instances: 4 })).status).toBe(200);
    expect((await admin.post('/v1/services/elg/null/redis/scale', { instances: 5 })).status).toBe(200);
    const second = await follow(`${base}?limit=3&from=1-0`, {
      Accept: 'text/event-stream',
      'Last-Event-ID': seen[2].id,
    });
    await second.until(() => events(second).length === 4, 'the missed entries');
    expect((await admin.post('/v1/services/elg/null/redis/stop', {})).status).toBe(200);
    await second.until(() => events(second).length === 5, 'a live entry');

    const all = await entries(`${base}?limit=1000`);
    const received = [...seen.map((s) => s.entry), ...events(second).map((e) => JSON.parse(e.data) as Entry)];
    const from = all.findIndex((e) => e.id === seen[0].id);
    expect(received).toEqual(all.slice(from));
    expect(events(second).map((e) => e.id)).toEqual(all.slice(from + 3).map((e) => e.id));

    const bad = await admin.get(base, { headers: { accept: 'text/event-stream', 'last-event-id': 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      error: { last_event_id: 'Last-Event-ID must be an event log id, such as 1700000000000-0' },
    });
  });

  describe('access', () => {
    const routes = [
      '/v1/grids/elg/event_logs',
      '/v1/stacks/elg/web/event_logs',
      '/v1/services/elg/null/redis/event_logs',
      '/v1/nodes/elg/n1/event_logs',
    ];

    it('answers 401 without a valid token, also when following', async () => {
      for (const path of routes) {
        for (const query of ['', '?follow=true']) {
          const answer = await admin.get(`${path}${query}`, { token: null });
          expect({ path, query, status: answer.status }).toEqual({ path, query, status: 401 });
          expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
        }
        expect((await admin.get(path, { token: 'not-a-token' })).status).toBe(401);
      }
    });

    it('answers 403 to users outside the grid and serves its members', async () => {
      for (const path of routes) {
        const refused = await outsider.get(`${path}?follow=true`);
        expect({ path, status: refused.status, body: refused.body }).toEqual({
          path,
          status: 403,
          body: { error: 'Access denied' },
        });
        expect((await member.get(path)).status).toBe(200);
      }
    });

    it('answers 404 for unknown grids, stacks, services and nodes', async () => {
      const missing: [string, unknown][] = [
        ['/v1/grids/nope/event_logs', { error: 'Not found' }],
        ['/v1/stacks/nope/web/event_logs', { error: 'Not found' }],
        ['/v1/stacks/elg/nope/event_logs', {}],
        ['/v1/services/elg/null/nope/event_logs', { error: 'Not found' }],
        ['/v1/services/elg/nope/redis/event_logs', { error: 'Not found' }],
        ['/v1/nodes/elg/nope/event_logs', { error: 'Not found' }],
        ['/v1/nodes/elg/AB:CD:nope/event_logs', { error: 'Not found' }],
      ];
      for (const [path, body] of missing) {
        const answer = await admin.get(`${path}?follow=true`);
        expect({ path, status: answer.status, body: answer.body }).toEqual({ path, status: 404, body });
      }
    });
  });

  it('serves 100 followers of one service while 200 entries are written: all of them, in order, in bounded memory', async () => {
    expect(
      (await admin.post('/v1/grids/elg/services', { name: 'busy', image: 'busy:1', stateful: false })).status,
    ).toBe(201);
    const base = '/v1/services/elg/null/busy/event_logs';
    const rssBefore = rssKb();
    const followers = await Promise.all(
      Array.from({ length: 100 }, () => follow(`${base}?follow=1&limit=1`)),
    );
    await Promise.all(followers.map((f) => f.until(() => jsonChunks(f).length === 1, 'the first entry')));

    // 100 scales to distinct counts, five writers at a time: each records the scale and a deploy request.
    const statuses = await Promise.all(
      Array.from({ length: 5 }, async (_, writer) => {
        const answers: number[] = [];
        for (let i = writer; i < 100; i += 5) {
          answers.push((await admin.post('/v1/services/elg/null/busy/scale', { instances: i + 2 })).status);
        }
        return answers;
      }),
    );
    expect(statuses.flat()).toEqual(Array(100).fill(200));
    const all = await entries(`${base}?limit=10000`);
    expect(all).toHaveLength(201);
    await Promise.all(
      followers.map((f) => f.until(() => jsonChunks(f).length === 201, 'every entry', 20_000)),
    );
    for (const f of followers) expect(jsonChunks(f).map((e) => e.id)).toEqual(all.map((e) => e.id));
    const grewMb = (rssKb() - rssBefore) / 1024;
    expect(grewMb).toBeLessThan(100);

    for (const f of followers) f.close();
    await followersLeft(0);
  }, 60_000);

  it('rebuilds the event logs byte-identical to the live ones', async () => {
    const redis = testRedis();
    try {
      const snapshot = async (generation: number) => {
        const keys = new ReadModelKeys(system.redisPrefix, generation);
        const head = await headOfAll(client);
        for (let i = 0; i < 200; i++) {
          const raw = await redis.get(keys.checkpoint);
          if (raw && head && comparePositions(positionFromString(raw), head) >= 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const all = await dumpPrefix(redis, keys.root);
        all.delete('checkpoint');
        return all;
      };
      const live = await currentGeneration(redis, system.redisPrefix);
      const before = await snapshot(live);
      const logs = [...before.keys()].filter((k) => k.startsWith('eventlog:'));
      expect(logs).toEqual(
        expect.arrayContaining([
          'eventlog:grid:elg',
          'eventlog:stack:elg/web',
          'eventlog:service:elg/null/redis',
          'eventlog:service:elg/web/api',
          'eventlog:node:elg/n1',
        ]),
      );
      // The removed service's log keeps only why it ended.
      expect(JSON.parse(before.get('eventlog:service:elg/web/api')!)).toHaveLength(1);

      const stream = await follow('/v1/services/elg/null/redis/event_logs?follow=true&limit=1');
      await stream.until(() => jsonChunks(stream).length === 1, 'the last entry');
      const run = startApp('projector', { ...system.env, LOG_LEVEL: 'warn' }, 'rebuild');
      expect(await run.exited).toBe(0);
      const rebuilt = await currentGeneration(redis, system.redisPrefix);
      expect(rebuilt).toBe(live + 1);
      const after = await snapshot(rebuilt);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const key of logs) expect({ key, value: after.get(key) }).toEqual({ key, value: before.get(key) });
      for (const [key, value] of before) expect({ key, value: after.get(key) }).toEqual({ key, value });

      // A follower carries on across the switch: same ids, nothing repeated.
      expect((await admin.post('/v1/services/elg/null/redis/start', {})).status).toBe(200);
      await stream.until(() => jsonChunks(stream).length === 2, 'an entry after the switch');
      expect(jsonChunks(stream)[1]).toMatchObject({ type: 'service:start' });
      expect(idOrder(jsonChunks(stream)[1].id, jsonChunks(stream)[0].id)).toBe(1);
    } finally {
      redis.disconnect();
    }
  }, 60_000);

  it('ends follow streams cleanly when the api shuts down', async () => {
    const streams = await Promise.all([
      follow('/v1/grids/elg/event_logs?follow=true&limit=1'),
      follow('/v1/services/elg/null/redis/event_logs?follow=true', { Accept: 'text/event-stream' }),
    ]);
    await Promise.all(streams.map((s) => s.until(() => s.chunks.length >= 1, 'a first chunk')));
    await system.apps.get('api')!.stop();
    await Promise.all(streams.map((s) => s.done));
    expect(streams.map((s) => s.endedCleanly)).toEqual([true, true]);
  }, 30_000);
});
