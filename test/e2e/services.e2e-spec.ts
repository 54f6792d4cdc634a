import { ApiClient, RunningSystem, startSystem, userWith } from '@libs/testing';

/** The keys of Kontena's service JSON (spec/api/v1/services_spec.rb EXPECTED_FIELDS), plus privileged and devices. */
const SERVICE_KEYS = [
  'id',
  'created_at',
  'updated_at',
  'stack',
  'image',
  'affinity',
  'name',
  'stateful',
  'user',
  'instances',
  'cmd',
  'entrypoint',
  'ports',
  'env',
  'memory',
  'memory_swap',
  'shm_size',
  'cpus',
  'cpu_shares',
  'volumes',
  'volumes_from',
  'cap_add',
  'cap_drop',
  'state',
  'grid',
  'links',
  'log_driver',
  'log_opts',
  'strategy',
  'deploy_opts',
  'pid',
  'instance_counts',
  'net',
  'dns',
  'hooks',
  'secrets',
  'revision',
  'stack_revision',
  'stop_signal',
  'stop_grace_period',
  'read_only',
  'certificates',
  'privileged',
  'devices',
].sort();
const DEPLOY_KEYS = [
  'id',
  'created_at',
  'queued_at',
  'started_at',
  'finished_at',
  'service_id',
  'state',
  'reason',
  'instance_count',
  'instance_deploys',
].sort();

describe('services over HTTP', () => {
  let system: RunningSystem;
  let admin: ApiClient;
  let outsider: ApiClient;
  const svc = (name: string) => `/v1/services/sgx/null/${name}`;

  beforeAll(async () => {
    system = await startSystem();
    admin = system.admin;
    expect(
      (await admin.post('/v1/grids', { name: 'sgx', default_affinity: ['label!=reserved'] })).status,
    ).toBe(201);
    outsider = (await userWith(system, { email: 'outsider@example.com' })).api;
  }, 60_000);
  afterAll(() => system?.stop(), 30_000);

  it('creates a service in the null stack, not deployed yet, with Kontena JSON', async () => {
    const created = await admin.post('/v1/grids/sgx/services', {
      name: 'redis',
      image: 'redis:7',
      stateful: true,
    });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(SERVICE_KEYS);
    expect(created.body).toMatchObject({
      id: 'sgx/null/redis',
      name: 'redis',
      image: 'redis:7',
      stateful: true,
      state: 'initialized',
      strategy: 'ha',
      instances: 1,
      net: 'bridge',
      revision: 1,
      stack_revision: null,
      stop_grace_period: 10,
      deploy_opts: { wait_for_port: null, min_health: 0.8, interval: null },
      dns: 'redis.sgx.kontena.local',
      grid: { id: 'sgx' },
      stack: { id: 'sgx/null', name: 'null' },
      instance_counts: { total: 0, running: 0 },
      // An empty affinity shows the grid's default affinity.
      affinity: ['label!=reserved'],
      env: [],
      links: [],
      cmd: null,
    });
    const read = await admin.get(svc('redis'));
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(read.headers.get('etag')).toBe('W/"0"');
  });

  it('maps every attribute into the JSON', async () => {
    await admin.post('/v1/grids/sgx/services', { name: 'db', image: 'postgres:16', stateful: false });
    const body = {
      name: 'full',
      image: 'app:1',
      stateful: false,
      strategy: 'daemon',
      instances: 2,
      user: 'app',
      cmd: ['serve', '--port', '80'],
      entrypoint: '/bin/sh',
      env: ['A=1'],
      ports: [{ node_port: 8080, container_port: 80 }],
      links: [{ name: 'db', alias: 'database' }],
      affinity: ['node==n1'],
      deploy_opts: { wait_for_port: 80, min_health: 0.5 },
      volumes: ['/host:/data:ro', 'cache:/cache', '/tmp'],
      volumes_from: ['db-%s'],
      cpus: 1.5,
      cpu_shares: 512,
      memory: 268435456,
      memory_swap: 536870912,
      shm_size: 67108864,
      privileged: false,
      cap_add: ['NET_ADMIN'],
      cap_drop: ['SETUID'],
      devices: ['/dev/fuse'],
      net: 'host',
      log_driver: 'syslog',
      log_opts: { tag: 'app' },
      pid: 'host',
      read_only: true,
      hooks: { post_start: [{ name: 'warm', cmd: 'curl localhost', instances: '*', oneshot: true }] },
      health_check: { protocol: 'http', port: 80, uri: '/health' },
      stop_signal: 'SIGQUIT',
      stop_grace_period: '1m30s',
    };
    const created = await admin.post('/v1/grids/sgx/services', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      strategy: 'daemon',
      instances: 2,
      cmd: ['serve', '--port', '80'],
      ports: [{ ip: '0.0.0.0', protocol: 'tcp', node_port: 8080, container_port: 80 }],
      links: [{ id: 'sgx/null/db', alias: 'database', name: 'db' }],
      affinity: ['node==n1'],
      deploy_opts: { wait_for_port: 80, min_health: 0.5, interval: null },
      volumes: ['/host:/data:ro', 'cache:/cache', '/tmp'],
      volumes_from: ['db-%s'],
      log_opts: { tag: 'app' },
      hooks: [{ name: 'warm', type: 'post_start', cmd: 'curl localhost', oneshot: true }],
      health_check: {
        protocol: 'http',
        port: 80,
        uri: '/health',
        timeout: 10,
        interval: 60,
        initial_delay: 10,
      },
      health_status: { healthy: 0, unhealthy: 0, total: 0 },
      stop_signal: 'SIGQUIT',
      stop_grace_period: 90,
      privileged: false,
      devices: ['/dev/fuse'],
    });
  });

  it('lists services newest first, by stack, and 404s an unknown stack filter', async () => {
    const all = await admin.get('/v1/grids/sgx/services');
    expect(all.status).toBe(200);
    const names = all.body.services.map((s: { name: string }) => s.name);
    expect(names.indexOf('full')).toBeLessThan(names.indexOf('redis'));
    expect((await admin.get('/v1/grids/sgx/services?stack=null')).body.services.length).toBe(
      all.body.services.length,
    );
    const unknown = await admin.get('/v1/grids/sgx/services?stack=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'Stack not found' });
  });

  it("refuses each invalid attribute with Kontena's message and creates nothing", async () => {
    const base = { name: 'bad', image: 'x:1', stateful: false };
    const cases: [Record<string, unknown>, unknown][] = [
      [{ name: 'bad', image: 'x:1' }, { stateful: 'Stateful is required' }],
      [{ name: 'bad', stateful: false }, { image: 'Image is required' }],
      [{ ...base, name: '-bad' }, { name: "Name isn't in the right format" }],
      [{ ...base, strategy: 'best' }, { strategy: 'Strategy not supported' }],
      [{ ...base, instances: 'x' }, { instances: "Instances isn't an integer" }],
      [{ ...base, env: ['OK=1', 'nope'] }, { env: [null, "Env[1] isn't in the right format"] }],
      [{ ...base, secrets: [{ secret: 'S' }] }, { secrets: [{ name: 'Name is required' }] }],
      [{ ...base, ports: [{ node_port: 1 }] }, { ports: [{ container_port: 'Container Port is required' }] }],
      [{ ...base, links: [{ name: 'db' }] }, { links: [{ alias: 'Alias is required' }] }],
      [{ ...base, volumes: ['nope'] }, { volumes: ["Volume definition 'nope' not in right format"] }],
      [
        { ...base, stateful: true, volumes_from: ['a'] },
        { volumes_from: 'Cannot combine stateful & volumes_from' },
      ],
      [{ ...base, cpu_shares: 5000 }, { cpu_shares: 'Cpu Shares is too big' }],
      [{ ...base, net: 'overlay' }, { net: "Net isn't in the right format" }],
      [{ ...base, pid: 'private' }, { pid: "Pid isn't an option" }],
      [
        { ...base, health_check: { port: 80, protocol: 'tcp', interval: 5, timeout: 10 } },
        { health_check: 'Interval has to be bigger than timeout' },
      ],
      [
        { ...base, health_check: { port: 0, protocol: 'tcp' } },
        { health_check: { port: 'Port is too small' } },
      ],
      [{ ...base, stop_signal: 'KILLME' }, { stop_signal: "Stop Signal isn't in the right format" }],
      [
        { ...base, stop_grace_period: '10x' },
        { stop_grace_period: "Stop Grace Period isn't in the right format" },
      ],
      [
        { ...base, deploy_opts: { min_health: 'lots' } },
        { deploy_opts: { min_health: 'Min Health is invalid' } },
      ],
      [{ ...base, stack: 'web' }, { stack: "Stack isn't the right class" }],
      [{ ...base, links: [{ name: 'nope', alias: 'n' }] }, { links: ['Service null/nope does not exist'] }],
      [
        { ...base, links: [{ name: 'ghost/db', alias: 'd' }] },
        { links: ['Link ghost/db points to non-existing stack'] },
      ],
      [
        { ...base, secrets: [{ secret: 'MISSING', name: 'M' }] },
        { secrets: ['Secret MISSING does not exist'] },
      ],
      [
        { ...base, certificates: [{ subject: 'example.com', name: 'SSL_CERTS' }] },
        { certificates: ['Certificate example.com does not exist'] },
      ],
      [
        { ...base, name: 'x'.repeat(45) },
        {
          name: `Total grid service name length 65 is over limit (64): ${'x'.repeat(45)}-1.sgx.kontena.local`,
        },
      ],
      [{ ...base, name: 'redis' }, { name: 'is already taken' }],
    ];
    for (const [body, error] of cases) {
      const answer = await admin.post('/v1/grids/sgx/services', body);
      expect({ body, status: answer.status, answer: answer.body }).toEqual({
        body,
        status: 422,
        answer: { error },
      });
    }
    expect((await admin.get(svc('bad'))).status).toBe(404);
    expect((await admin.get(svc('redis'))).body.image).toBe('redis:7');
  });

  it('updates only given attributes, moves the revision only on change, and merges env', async () => {
    await admin.post('/v1/grids/sgx/services', {
      name: 'web',
      image: 'web:1',
      stateful: false,
      env: ['KEEP=secret', 'A=1'],
    });
    const changed = await admin.put(svc('web'), {
      image: 'web:2',
      env: ['KEEP=', 'A=2'],
      name: 'ignored',
      stateful: true,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      name: 'web',
      image: 'web:2',
      stateful: false,
      revision: 2,
      env: ['KEEP=secret', 'A=2'],
    });
    const same = await admin.put(svc('web'), { image: 'web:2' });
    expect(same.body.revision).toBe(2);
    expect((await admin.put(svc('web'), { force: true })).body.revision).toBe(3);
    expect((await admin.put(svc('web'), { links: [{ name: 'db', alias: 'db' }] })).body.links).toEqual([
      { id: 'sgx/null/db', alias: 'db', name: 'db' },
    ]);
  });

  it('honours If-Match on update: a stale revision gets 412 and changes nothing', async () => {
    const current = await admin.get(svc('web'));
    const etag = current.headers.get('etag')!;
    const ok = await admin.put(svc('web'), { user: 'nobody' }, { headers: { 'if-match': etag } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).not.toBe(etag);
    const stale = await admin.put(svc('web'), { user: 'root' }, { headers: { 'if-match': etag } });
    expect(stale.status).toBe(412);
    expect((await admin.get(svc('web'))).body.user).toBe('nobody');
  });

  it('refuses updates that the service itself rules out, and changes nothing', async () => {
    const refused = await admin.put(svc('redis'), { volumes_from: ['other-%s'] });
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({ error: { volumes_from: 'Cannot combine stateful & volumes_from' } });
    const anonymous = await admin.put(svc('redis'), { volumes: ['/data'] });
    expect(anonymous.body).toEqual({
      error: { volumes: ['Adding a new anonymous volume (/data) to a stateful service is not supported'] },
    });
    const invalid = await admin.put(svc('redis'), { strategy: 'nope' });
    expect(invalid.body).toEqual({ error: { strategy: 'Strategy not supported' } });
    expect((await admin.get(svc('redis'))).body).toMatchObject({
      revision: 1,
      volumes: [],
      volumes_from: [],
      strategy: 'ha',
    });
  });

  it('deploys: 200 with the deploy record, the service running, the revision moved only when forced', async () => {
    const deploy = await admin.post(`${svc('redis')}/deploy`, {});
    expect(deploy.status).toBe(200);
    expect(Object.keys(deploy.body).sort()).toEqual(DEPLOY_KEYS);
    expect(deploy.body).toMatchObject({
      service_id: 'sgx/null/redis',
      state: 'created',
      queued_at: null,
      started_at: null,
      finished_at: null,
      reason: null,
      instance_count: 1,
      instance_deploys: [],
    });
    expect((await admin.get(svc('redis'))).body).toMatchObject({ state: 'running', revision: 1 });
    const fetched = await admin.get(`${svc('redis')}/deploys/${deploy.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(deploy.body);

    await admin.post(`${svc('redis')}/deploy`, { force: true });
    expect((await admin.get(svc('redis'))).body.revision).toBe(2);
    const unknown = await admin.get(`${svc('redis')}/deploys/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'Not found' });
    // A deploy of another service is not found through this one.
    expect((await admin.get(`${svc('web')}/deploys/${deploy.body.id}`)).status).toBe(404);
  });

  it('scales with a deploy record and without a new revision', async () => {
    const scaled = await admin.post(`${svc('redis')}/scale`, { instances: 3 });
    expect(scaled.status).toBe(200);
    expect(scaled.body).toMatchObject({ state: 'created', instance_count: 3 });
    expect((await admin.get(svc('redis'))).body).toMatchObject({ instances: 3, revision: 2 });
    const bad = await admin.post(`${svc('redis')}/scale`, {});
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({ error: { instances: 'Instances is required' } });
    expect((await admin.post(`${svc('redis')}/scale`, { instances: -1 })).body).toEqual({
      error: { instances: 'Instances is too small' },
    });
  });

  it('stops, starts and restarts with 200 {}', async () => {
    for (const [action, state] of [
      ['stop', 'stopped'],
      ['start', 'running'],
      ['restart', 'running'],
    ] as const) {
      const answer = await admin.post(`${svc('redis')}/${action}`);
      expect({ action, status: answer.status, body: answer.body }).toEqual({ action, status: 200, body: {} });
      expect((await admin.get(svc('redis'))).body.state).toBe(state);
    }
  });

  it('sets and removes env variables; errors come back without the error wrapper', async () => {
    const added = await admin.post(`${svc('web')}/envs`, { env: 'LOG=debug' });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({});
    await admin.post(`${svc('web')}/envs`, { env: 'LOG=info' });
    const before = (await admin.get(svc('web'))).body;
    expect(before.env).toEqual(['KEEP=secret', 'A=2', 'LOG=info']);

    const bad = await admin.post(`${svc('web')}/envs`, { env: 'nope' });
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({ env: "Env isn't in the right format" });
    expect((await admin.post(`${svc('web')}/envs`, {})).body).toEqual({ env: 'Env is required' });

    const removed = await admin.delete(`${svc('web')}/envs/LOG`);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({});
    const after = (await admin.get(svc('web'))).body;
    expect(after.env).toEqual(['KEEP=secret', 'A=2']);
    expect(after.revision).toBe(before.revision + 1);
  });

  it('serves instances and containers (empty until the reconciler runs them)', async () => {
    expect((await admin.get(`${svc('redis')}/instances`)).body).toEqual({ instances: [] });
    const missing = await admin.get(`${svc('redis')}/instances/1`);
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('');
    const reschedule = await admin.delete(`${svc('redis')}/instances/1`);
    expect(reschedule.status).toBe(404);
    expect(reschedule.text).toBe('');
    expect((await admin.get(`${svc('redis')}/containers`)).body).toEqual({ containers: [] });
  });

  it('answers stats, metrics and container logs: none before agents report (more in telemetry and container-logs e2e)', async () => {
    expect(await admin.get(`${svc('redis')}/stats`)).toMatchObject({ status: 200, body: { stats: [] } });
    expect(await admin.get(`${svc('redis')}/metrics`)).toMatchObject({ status: 200, body: { stats: [] } });
    expect(await admin.get(`${svc('redis')}/container_logs`)).toMatchObject({
      status: 200,
      body: { logs: [] },
    });
  });

  it('refuses to remove a linked service, naming the linkers, then removes it once unlinked', async () => {
    const refused = await admin.delete(svc('db'));
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: { service: 'Cannot delete service that is linked to another service (full, web)' },
    });
    expect((await admin.get(svc('db'))).status).toBe(200);

    await admin.put(svc('web'), { links: [] });
    expect((await admin.delete(svc('full'))).body).toEqual({});
    const removed = await admin.delete(svc('db'));
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({});
    const gone = await admin.get(svc('db'));
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: 'Not found' });
    // The name is free again.
    expect(
      (await admin.post('/v1/grids/sgx/services', { name: 'db', image: 'postgres:17', stateful: false })).body
        .revision,
    ).toBe(1);
  });

  describe('access', () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/grids/sgx/services'],
      ['POST', '/v1/grids/sgx/services', { name: 'x', image: 'x', stateful: false }],
      ['GET', '/v1/services/sgx/null/redis'],
      ['PUT', '/v1/services/sgx/null/redis', { image: 'x' }],
      ['DELETE', '/v1/services/sgx/null/redis'],
      ['POST', '/v1/services/sgx/null/redis/deploy', {}],
      ['POST', '/v1/services/sgx/null/redis/scale', { instances: 1 }],
      ['POST', '/v1/services/sgx/null/redis/start', {}],
      ['POST', '/v1/services/sgx/null/redis/stop', {}],
      ['POST', '/v1/services/sgx/null/redis/restart', {}],
      ['GET', '/v1/services/sgx/null/redis/deploys/x'],
      ['GET', '/v1/services/sgx/null/redis/instances'],
      ['GET', '/v1/services/sgx/null/redis/instances/1'],
      ['DELETE', '/v1/services/sgx/null/redis/instances/1'],
      ['GET', '/v1/services/sgx/null/redis/containers'],
      ['POST', '/v1/services/sgx/null/redis/envs', { env: 'A=1' }],
      ['DELETE', '/v1/services/sgx/null/redis/envs/A'],
      ['GET', '/v1/services/sgx/null/redis/stats'],
    ];

    it('answers 401 without a valid token', async () => {
      for (const [method, path, body] of routes) {
        const answer = await system.api.request(method, path, { body, token: null });
        expect({ method, path, status: answer.status }).toEqual({ method, path, status: 401 });
      }
    });

    it('answers 403 to a user outside the grid, and changes nothing', async () => {
      const before = (await admin.get(svc('redis'))).body;
      for (const [method, path, body] of routes) {
        const answer = await outsider.request(method, path, { body });
        expect({ method, path, status: answer.status, body: answer.body }).toEqual({
          method,
          path,
          status: 403,
          body: { error: 'Access denied' },
        });
      }
      expect((await admin.get(svc('redis'))).body).toEqual(before);
    });

    it('answers 404 for an unknown grid or service', async () => {
      for (const [method, path, body] of routes) {
        const unknownGrid = await admin.request(method, path.replace('/sgx', '/nogrid'), { body });
        expect({ method, path, status: unknownGrid.status, body: unknownGrid.body }).toEqual({
          method,
          path,
          status: 404,
          body: { error: 'Not found' },
        });
        if (!path.startsWith('/v1/services/')) continue;
        const unknownService = await admin.request(method, path.replace('/redis', '/nosuch'), { body });
        expect({ method, path, status: unknownService.status, body: unknownService.body }).toEqual({
          method,
          path,
          status: 404,
          body: { error: 'Not found' },
        });
      }
    });
  });
});
