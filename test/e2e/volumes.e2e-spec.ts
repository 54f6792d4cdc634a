import { ApiClient, RunningSystem } from '@libs/testing';
import { gridCallers, ISO } from './support/grid-callers';

describe('volumes over HTTP', () => {
  let system: RunningSystem;
  let admin: ApiClient;
  let member: ApiClient;
  let outsider: ApiClient;

  beforeAll(async () => {
    ({ system, admin, member, outsider } = await gridCallers('vol'));
  }, 60_000);
  afterAll(() => system?.stop(), 30_000);

  const names = async () =>
    (await admin.get('/v1/volumes/vol')).body.volumes.map((v: { name: string }) => v.name);
  const data = {
    created_at: ISO,
    updated_at: ISO,
    id: 'vol/data',
    name: 'data',
    scope: 'instance',
    driver: 'local',
    driver_opts: { size: '10G', 'with.dot': 'x' },
    instances: [],
    services: [],
  };

  it("creates a volume (201) in Kontena's shape", async () => {
    const created = await member.post('/v1/volumes/vol', {
      name: 'data',
      scope: 'instance',
      driver: 'local',
      driver_opts: { size: '10G', 'with.dot': 'x' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(data);
  });

  it('lists and reads volumes', async () => {
    await member.post('/v1/volumes/vol', { name: 'shared', scope: 'grid', driver: 'rexray' });
    const list = await member.get('/v1/volumes/vol');
    expect(list.status).toBe(200);
    expect(list.body.volumes).toEqual([
      data,
      { ...data, id: 'vol/shared', name: 'shared', scope: 'grid', driver: 'rexray', driver_opts: {} },
    ]);
    const read = await member.get('/v1/volumes/vol/data');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(data);
    expect(read.headers.get('etag')).toBe('W/"0"');
    expect((await admin.get('/v1/volumes/other')).body).toEqual({ volumes: [] });
  });

  it("validates with Kontena's messages and changes nothing", async () => {
    const ok = { name: 'fresh', scope: 'stack', driver: 'local' };
    const cases: [unknown, unknown][] = [
      [{}, { scope: 'Scope is required', name: 'Name is required', driver: 'Driver is required' }],
      [{ ...ok, scope: 'host' }, { scope: "Scope isn't an option" }],
      [{ ...ok, name: '-fresh' }, { name: "Name isn't in the right format" }],
      [{ ...ok, name: 'a/b' }, { name: "Name isn't in the right format" }],
      [{ ...ok, driver: 'rexray:0.11' }, { driver: 'Driver version tag cannot be used' }],
      [{ ...ok, driver_opts: 'size=1G' }, { driver_opts: "Driver Opts isn't the right class" }],
      [{ ...ok, driver_opts: ['size'] }, { driver_opts: "Driver Opts isn't the right class" }],
      [{ ...ok, name: 'data' }, { name: 'Volume with given name already exists' }],
      [
        { ...ok, name: 'data', driver: 'x:1' },
        { name: 'Volume with given name already exists', driver: 'Driver version tag cannot be used' },
      ],
    ];
    const before = await names();
    for (const [body, error] of cases) {
      const answer = await member.post('/v1/volumes/vol', body);
      expect({ body, status: answer.status, error: answer.body }).toEqual({
        body,
        status: 422,
        error: { error },
      });
    }
    expect(await names()).toEqual(before);
  });

  it('refuses to remove a volume services use, keyed by its name, and shows those services', async () => {
    await member.post('/v1/volumes/vol', { name: 'busy', scope: 'stack', driver: 'local' });
    for (const name of ['app', 'db']) {
      const service = { name, image: 'postgres:16', stateful: true, volumes: ['busy:/var/lib/data'] };
      expect((await member.post('/v1/grids/vol/services', service)).status).toBe(201);
    }
    expect((await member.get('/v1/volumes/vol/busy')).body.services).toEqual([
      { id: 'vol/null/app' },
      { id: 'vol/null/db' },
    ]);
    const refused = await member.delete('/v1/volumes/vol/busy');
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({
      error: { busy: 'Volume still in use in services ["vol/null/app", "vol/null/db"]' },
    });
    expect(await names()).toContain('busy');

    for (const name of ['app', 'db'])
      expect((await member.delete(`/v1/services/vol/null/${name}`)).status).toBe(200);
    expect((await member.get('/v1/volumes/vol/busy')).body.services).toEqual([]);
    expect((await member.delete('/v1/volumes/vol/busy')).status).toBe(200);
    expect(await names()).not.toContain('busy');
  });

  it('removes a volume (200 {}), after which it is not found and the name is free', async () => {
    await member.post('/v1/volumes/vol', { name: 'doomed', scope: 'grid', driver: 'local' });
    const removed = await member.delete('/v1/volumes/vol/doomed');
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({});
    expect(await names()).not.toContain('doomed');
    for (const answer of [
      await member.get('/v1/volumes/vol/doomed'),
      await member.delete('/v1/volumes/vol/doomed'),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: 'Volume doomed not found' });
    }
    expect(
      (await member.post('/v1/volumes/vol', { name: 'doomed', scope: 'grid', driver: 'local' })).status,
    ).toBe(201);
  });

  it('answers 401 without a valid token on every route', async () => {
    const requests = [
      () => system.api.get('/v1/volumes/vol', { token: null }),
      () =>
        system.api.post('/v1/volumes/vol', { name: 'x', scope: 'grid', driver: 'local' }, { token: null }),
      () => system.api.get('/v1/volumes/vol/data', { token: 'not-a-token' }),
      () => system.api.delete('/v1/volumes/vol/data', { token: null }),
    ];
    for (const request of requests) {
      const answer = await request();
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'invalid_token', error_description: 'Invalid token' });
    }
    expect(await names()).toContain('data');
  });

  it("answers 403 outside the grid and Kontena's 404 bodies for a missing grid, changing nothing", async () => {
    const requests = (client: ApiClient, grid: string) => [
      () => client.get(`/v1/volumes/${grid}`),
      () => client.post(`/v1/volumes/${grid}`, { name: 'intruder', scope: 'grid', driver: 'local' }),
      () => client.get(`/v1/volumes/${grid}/data`),
      () => client.delete(`/v1/volumes/${grid}/data`),
    ];
    const before = await names();
    for (const request of requests(outsider, 'vol')) {
      const answer = await request();
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ error: 'Access denied' });
    }
    for (const request of requests(admin, 'nope')) {
      const answer = await request();
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: 'Grid nope not found' });
    }
    expect(await names()).toEqual(before);
  });
});
