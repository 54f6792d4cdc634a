import { EventStoreDBClient } from '@eventstore/db-client';
import { comparePositions, disposeClient, headOfAll, positionFromString } from '@libs/eventstore';
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

/** The keys of Kontena's stack JSON (spec/api/v1/stacks_spec.rb expected_attributes), plus volumes. */
const STACK_KEYS = [
  'id',
  'created_at',
  'updated_at',
  'name',
  'stack',
  'version',
  'revision',
  'metadata',
  'services',
  'state',
  'expose',
  'source',
  'variables',
  'registry',
  'parent',
  'children',
  'labels',
  'volumes',
].sort();

const stackFile = (name: string, services: object[], extra: object = {}) => ({
  name,
  stack: `test/${name}`,
  version: '0.1.0',
  registry: 'file://',
  source: 'services: …',
  services,
  ...extra,
});

describe('stacks over HTTP', () => {
  let system: RunningSystem;
  let admin: ApiClient;
  let outsider: ApiClient;

  beforeAll(async () => {
    system = await startSystem();
    admin = system.admin;
    expect((await admin.post('/v1/grids', { name: 'kgx' })).status).toBe(201);
    outsider = (await userWith(system, { email: 'stranger@example.com' })).api;
  }, 60_000);
  afterAll(() => system?.stop(), 30_000);

  const services = () =>
    admin
      .get('/v1/grids/kgx/services?stack=web')
      .then((a) => a.body.services as { name: string; [k: string]: unknown }[]);

  it('creates a stack at revision 1 with its services created, in link order, but not deployed', async () => {
    const created = await admin.post(
      '/v1/grids/kgx/stacks',
      stackFile(
        'web',
        [
          { name: 'api', image: 'api:1', stateful: false, links: [{ name: 'db', alias: 'db' }] },
          { name: 'db', image: 'postgres:16', stateful: true },
          { name: 'worker', image: 'api:1', stateful: false, links: [{ name: 'api', alias: 'api' }] },
        ],
        {
          labels: ['fqdn=web.example.com'],
          variables: { region: 'eu' },
          metadata: { tags: ['a'] },
          expose: 'api',
        },
      ),
    );
    expect(created.status).toBe(201);
    // The ETag is the stack's revision, not that of the last service created with it.
    expect(created.headers.get('etag')).toBe('W/"0"');
    expect(Object.keys(created.body).sort()).toEqual(STACK_KEYS);
    expect(created.body).toMatchObject({
      id: 'kgx/web',
      name: 'web',
      state: 'initialized',
      stack: 'test/web',
      version: '0.1.0',
      registry: 'file://',
      revision: 1,
      expose: 'api',
      variables: { region: 'eu' },
      metadata: { tags: ['a'] },
      labels: ['fqdn=web.example.com'],
      parent: null,
      children: [],
      volumes: [],
    });
    expect(created.body.services.map((s: { name: string }) => s.name).sort()).toEqual([
      'api',
      'db',
      'worker',
    ]);
    const api = created.body.services.find((s: { name: string }) => s.name === 'api');
    expect(api).toMatchObject({
      id: 'kgx/web/api',
      state: 'initialized',
      dns: 'api.web.kgx.kontena.local',
      links: [{ id: 'kgx/web/db', alias: 'db', name: 'web/db' }],
    });

    const read = await admin.get('/v1/stacks/kgx/web');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(read.headers.get('etag')).toBe('W/"0"');
    expect((await services()).length).toBe(3);
  });

  it('lists stacks without the null stack; an unknown stack is 404 {}', async () => {
    await admin.post('/v1/grids/kgx/services', { name: 'loner', image: 'x:1', stateful: false });
    const list = await admin.get('/v1/grids/kgx/stacks');
    expect(list.status).toBe(200);
    expect(list.body.stacks.map((s: { name: string }) => s.name)).toEqual(['web']);
    const missing = await admin.get('/v1/stacks/kgx/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({});
    const nullStack = await admin.get('/v1/stacks/kgx/null');
    expect(nullStack.status).toBe(200);
    expect(nullStack.body).toMatchObject({ id: 'kgx/null', name: 'null', revision: 1 });
    expect(nullStack.body.services.map((s: { name: string }) => s.name)).toEqual(['loner']);
  });

  it("refuses each invalid stack file with Kontena's message, nested per service, and creates nothing", async () => {
    const ok = { name: 'svc', image: 'x:1', stateful: false };
    const cases: [object, unknown][] = [
      [{ ...stackFile('bad', [ok]), stack: undefined }, { stack: 'Stack is required' }],
      [{ ...stackFile('bad', [ok]), version: undefined }, { version: 'Version is required' }],
      [{ ...stackFile('bad', [ok]), source: undefined }, { source: 'Source is required' }],
      [stackFile('-bad', [ok]), { name: "Name isn't in the right format" }],
      [stackFile('bad', [ok], { labels: ['Nope'] }), { labels: ["Labels[0] isn't in the right format"] }],
      [stackFile('web', [ok]), { name: 'web already exists' }],
      [stackFile('null', [ok]), { name: 'null already exists' }],
      [stackFile('bad', []), { services: 'stack does not specify any services' }],
      [stackFile('bad', [ok], { expose: 'other' }), { expose: 'other is not defined in the services array' }],
      [
        stackFile('bad', [ok], { volumes: [{ name: 'vol1' }] }),
        { volumes: { vol1: 'Only external volumes supported' } },
      ],
      [
        stackFile('bad', [ok], { volumes: [{ name: 'vol1', external: 'foo' }] }),
        { volumes: { vol1: { external: 'External volume foo not found' } } },
      ],
      [
        stackFile('bad', [ok], { parent: { name: 'bad' } }),
        { parent_name: "Parent name can't be the same as name" },
      ],
      [
        stackFile('bad', [{ name: 'redis', image: 'r:1' }]),
        { services: { redis: { stateful: 'Stateful is required' } } },
      ],
      [
        stackFile('bad', [{ ...ok, name: 'redis', env: ['nope'] }]),
        { services: { redis: { env: ["Env[0] isn't in the right format"] } } },
      ],
      [
        stackFile('bad', [{ ...ok, name: 'api', links: [{ name: 'redis', alias: 'r' }] }]),
        { services: { api: { links: 'service api has missing links: redis' } } },
      ],
      [
        stackFile('bad', [{ ...ok, name: 'api', links: [{ name: 'api', alias: 'a' }] }]),
        { services: { api: { links: 'service api has recursive links: ["api", [...]]' } } },
      ],
      [
        stackFile('bad', [
          { ...ok, name: 'api', links: [{ name: 'bar', alias: 'b' }] },
          { ...ok, name: 'bar', links: [{ name: 'api', alias: 'a' }] },
        ]),
        { services: { api: { links: 'service api has recursive links: ["bar", ["api", [...]]]' } } },
      ],
      [
        stackFile('bad', [{ ...ok, name: 'api', links: [{ name: 'ghost/db', alias: 'd' }] }]),
        { services: { api: { links: ['Link ghost/db points to non-existing stack'] } } },
      ],
      [
        stackFile('bad', [{ ...ok, name: 'api', links: [{ name: 'web/nope', alias: 'd' }] }]),
        { services: { api: { links: ['Service web/nope does not exist'] } } },
      ],
      [
        stackFile('bad', [{ ...ok, name: 'api', secrets: [{ secret: 'NOPE', name: 'N' }] }]),
        { services: { api: { secrets: ['Secret NOPE does not exist'] } } },
      ],
      [
        stackFile('bad', [{ ...ok, name: 'x'.repeat(41) }]),
        {
          services: {
            ['x'.repeat(41)]: {
              name: `Total grid service name length 65 is over limit (64): ${'x'.repeat(41)}-1.bad.kgx.kontena.local`,
            },
          },
        },
      ],
      [stackFile('bad', [ok, { ...ok, image: 'y:1' }]), { services: { svc: { name: 'is already taken' } } }],
    ];
    for (const [body, error] of cases) {
      const answer = await admin.post('/v1/grids/kgx/stacks', JSON.parse(JSON.stringify(body)));
      expect({ body, status: answer.status, answer: answer.body }).toEqual({
        body,
        status: 422,
        answer: { error },
      });
    }
    expect((await admin.get('/v1/stacks/kgx/bad')).status).toBe(404);
    expect((await admin.get('/v1/grids/kgx/services?stack=bad')).status).toBe(404);
    expect((await admin.get('/v1/grids/kgx/stacks')).body.stacks.length).toBe(1);
  });

  it('updates: a new revision only on change; new services at once, others at deploy; If-Match', async () => {
    const current = await admin.get('/v1/stacks/kgx/web');
    const file = stackFile(
      'web',
      [
        { name: 'api', image: 'api:1', stateful: false, links: [{ name: 'db', alias: 'db' }] },
        { name: 'db', image: 'postgres:16', stateful: true },
        { name: 'worker', image: 'api:1', stateful: false, links: [{ name: 'api', alias: 'api' }] },
      ],
      {
        labels: ['fqdn=web.example.com'],
        variables: { region: 'eu' },
        metadata: { tags: ['a'] },
        expose: 'api',
      },
    );
    const same = await admin.put('/v1/stacks/kgx/web', file);
    expect(same.status).toBe(200);
    expect(same.body.revision).toBe(1);

    const next = stackFile(
      'web',
      [
        { name: 'api', image: 'api:2', stateful: false, links: [{ name: 'db', alias: 'db' }] },
        { name: 'db', image: 'postgres:16', stateful: true },
        { name: 'cache', image: 'redis:7', stateful: false },
      ],
      { version: '0.2.0', labels: ['tier=front'] },
    );
    const stale = await admin.put('/v1/stacks/kgx/web', next, { headers: { 'if-match': 'W/"99"' } });
    expect(stale.status).toBe(412);
    expect((await admin.get('/v1/stacks/kgx/web')).body.revision).toBe(1);

    const updated = await admin.put('/v1/stacks/kgx/web', next, {
      headers: { 'if-match': current.headers.get('etag')! },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      revision: 2,
      version: '0.2.0',
      labels: ['tier=front'],
      expose: null,
    });
    const byName = Object.fromEntries((await services()).map((s) => [s.name, s]));
    // cache is created now; api keeps its image and worker stays until the next deploy.
    expect(Object.keys(byName).sort()).toEqual(['api', 'cache', 'db', 'worker']);
    expect(byName.api.image).toBe('api:1');

    const invalid = await admin.put('/v1/stacks/kgx/web', {
      ...next,
      services: [{ name: 'db', image: 'postgres:17', stateful: true, volumes_from: ['x'] }],
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toEqual({
      error: { services: { db: { volumes_from: 'Cannot combine stateful & volumes_from' } } },
    });
    expect((await admin.get('/v1/stacks/kgx/web')).body.revision).toBe(2);
  });

  it('patches labels only', async () => {
    const patched = await admin.patch('/v1/stacks/kgx/web', { labels: [] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ labels: [], revision: 2 });
    const bad = await admin.patch('/v1/stacks/kgx/web', { labels: ['BAD'] });
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({ error: { labels: ["Labels[0] isn't in the right format"] } });
  });

  it('deploys: applies the revision, removes dropped services, records service deploys in link order', async () => {
    const deploy = await admin.post('/v1/stacks/kgx/web/deploy');
    expect(deploy.status).toBe(200);
    expect(Object.keys(deploy.body).sort()).toEqual([
      'created_at',
      'id',
      'service_deploys',
      'stack_id',
      'state',
    ]);
    expect(deploy.body).toMatchObject({ stack_id: 'kgx/web', state: 'created' });
    const order = deploy.body.service_deploys.map((d: { service_id: string }) => d.service_id);
    expect(order.sort()).toEqual(['kgx/web/api', 'kgx/web/cache', 'kgx/web/db']);
    const ids = deploy.body.service_deploys.map((d: { service_id: string }) => d.service_id);
    expect(ids.indexOf('kgx/web/db')).toBeLessThan(ids.indexOf('kgx/web/api'));
    for (const serviceDeploy of deploy.body.service_deploys)
      expect(serviceDeploy).toMatchObject({ state: 'created', instance_deploys: [] });

    const byName = Object.fromEntries((await services()).map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['api', 'cache', 'db']);
    expect(byName.api).toMatchObject({ image: 'api:2', stack_revision: 2, state: 'running', revision: 2 });
    expect(byName.db).toMatchObject({ stack_revision: 2, revision: 1 });

    const fetched = await admin.get(`/v1/stacks/kgx/web/deploys/${deploy.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(deploy.body);
    const serviceDeploy = deploy.body.service_deploys[0];
    expect(
      (await admin.get(`/v1/services/${serviceDeploy.service_id}/deploys/${serviceDeploy.id}`)).body,
    ).toEqual(serviceDeploy);
    expect((await admin.get('/v1/stacks/kgx/web/deploys/nope')).body).toEqual({ error: 'Not found' });
    // Nothing runs the deploys yet, so the stack is deploying.
    expect((await admin.get('/v1/stacks/kgx/web')).body.state).toBe('deploying');
  });

  it('stops and restarts every service of the stack', async () => {
    const stopped = await admin.post('/v1/stacks/kgx/web/stop');
    expect(stopped.status).toBe(200);
    expect(stopped.body).toEqual({});
    expect((await services()).map((s) => s.state)).toEqual(['stopped', 'stopped', 'stopped']);
    const restarted = await admin.post('/v1/stacks/kgx/web/restart');
    expect(restarted.status).toBe(200);
    expect(restarted.body).toEqual({});
  });

  it('refuses to change the null stack', async () => {
    const file = stackFile('null', [{ name: 'a', image: 'a', stateful: false }]);
    expect((await admin.put('/v1/stacks/kgx/null', file)).body).toEqual({
      error: { stack: 'Cannot update null stack' },
    });
    expect((await admin.patch('/v1/stacks/kgx/null', { labels: [] })).body).toEqual({
      error: { stack: 'Cannot update null stack' },
    });
    expect((await admin.post('/v1/stacks/kgx/null/deploy')).body).toEqual({
      error: { stack: 'Cannot deploy null stack' },
    });
    const deleted = await admin.delete('/v1/stacks/kgx/null');
    expect(deleted.status).toBe(422);
    expect(deleted.body).toEqual({ error: { stack: 'Cannot delete default stack' } });
    expect((await admin.get('/v1/services/kgx/null/loner')).status).toBe(200);
  });

  it('keeps parents and children; refuses to remove a stack other stacks link into; then removes it with its services', async () => {
    const child = await admin.post(
      '/v1/grids/kgx/stacks',
      stackFile(
        'front',
        [{ name: 'proxy', image: 'proxy:1', stateful: false, links: [{ name: 'web/api', alias: 'api' }] }],
        { parent: { name: 'web' } },
      ),
    );
    expect(child.status).toBe(201);
    expect(child.body.parent).toEqual({ id: 'kgx/web', name: 'web' });
    expect((await admin.get('/v1/stacks/kgx/web')).body.children).toEqual([
      { id: 'kgx/front', name: 'front' },
    ]);

    const refused = await admin.delete('/v1/stacks/kgx/web');
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: { service: 'Cannot delete service that is linked from another stack (front/proxy)' },
    });
    expect((await admin.get('/v1/stacks/kgx/web')).status).toBe(200);

    expect((await admin.delete('/v1/stacks/kgx/front')).body).toEqual({});
    const removed = await admin.delete('/v1/stacks/kgx/web');
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({});
    expect((await admin.get('/v1/stacks/kgx/web')).status).toBe(404);
    const remaining = (await admin.get('/v1/grids/kgx/services')).body.services.map(
      (s: { id: string }) => s.id,
    );
    expect(remaining).toEqual(['kgx/null/loner']);
    expect((await admin.get('/v1/grids/kgx/stacks')).body.stacks).toEqual([]);
  });

  it("answers a stack's container logs: none before its agents report (more in container-logs.e2e-spec.ts)", async () => {
    await admin.post(
      '/v1/grids/kgx/stacks',
      stackFile('logs', [{ name: 'a', image: 'a:1', stateful: false }]),
    );
    const answer = await admin.get('/v1/stacks/kgx/logs/container_logs');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ logs: [] });
  });

  it('rebuilds the services, stacks and deploys read models byte-identical to the live ones', async () => {
    await admin.post('/v1/services/kgx/logs/a/scale', { instances: 2 });
    await admin.post('/v1/stacks/kgx/logs/deploy');
    const client = EventStoreDBClient.connectionString(system.eventStoreUrl);
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
      expect(
        [...before.keys()].filter((k) => /^(service|stack|deploy|stackdeploy):/.test(k)).length,
      ).toBeGreaterThan(5);

      const run = startApp('projector', { ...system.env, LOG_LEVEL: 'warn' }, 'rebuild');
      expect(await run.exited).toBe(0);
      const rebuilt = await currentGeneration(redis, system.redisPrefix);
      expect(rebuilt).toBe(live + 1);
      const after = await snapshot(rebuilt);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [key, value] of before) expect({ key, value: after.get(key) }).toEqual({ key, value });
    } finally {
      await disposeClient(client);
      redis.disconnect();
    }
  }, 60_000);

  describe('access', () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/grids/kgx/stacks'],
      ['POST', '/v1/grids/kgx/stacks', stackFile('x', [{ name: 'a', image: 'a', stateful: false }])],
      ['GET', '/v1/stacks/kgx/logs'],
      ['PUT', '/v1/stacks/kgx/logs', stackFile('logs', [{ name: 'a', image: 'a:2', stateful: false }])],
      ['PATCH', '/v1/stacks/kgx/logs', { labels: [] }],
      ['DELETE', '/v1/stacks/kgx/logs'],
      ['POST', '/v1/stacks/kgx/logs/deploy', {}],
      ['POST', '/v1/stacks/kgx/logs/stop', {}],
      ['POST', '/v1/stacks/kgx/logs/restart', {}],
      ['GET', '/v1/stacks/kgx/logs/deploys/x'],
      ['GET', '/v1/stacks/kgx/logs/container_logs'],
    ];

    it('answers 401 without a valid token', async () => {
      for (const [method, path, body] of routes) {
        const answer = await system.api.request(method, path, { body, token: 'not-a-token' });
        expect({ method, path, status: answer.status }).toEqual({ method, path, status: 401 });
      }
    });

    it('answers 403 to a user outside the grid, and changes nothing', async () => {
      const before = (await admin.get('/v1/stacks/kgx/logs')).body;
      for (const [method, path, body] of routes) {
        const answer = await outsider.request(method, path, { body });
        expect({ method, path, status: answer.status, body: answer.body }).toEqual({
          method,
          path,
          status: 403,
          body: { error: 'Access denied' },
        });
      }
      expect((await admin.get('/v1/stacks/kgx/logs')).body).toEqual(before);
    });

    it('answers 404 for an unknown grid, and 404 {} for an unknown stack', async () => {
      for (const [method, path, body] of routes) {
        const unknownGrid = await admin.request(method, path.replace('/kgx', '/nogrid'), { body });
        expect({ method, path, status: unknownGrid.status, body: unknownGrid.body }).toEqual({
          method,
          path,
          status: 404,
          body: { error: 'Not found' },
        });
        if (!path.startsWith('/v1/stacks/')) continue;
        const unknownStack = await admin.request(method, path.replace('/logs', '/nosuch'), { body });
        expect({ method, path, status: unknownStack.status, body: unknownStack.body }).toEqual({
          method,
          path,
          status: 404,
          body: {},
        });
      }
    });
  });
});
