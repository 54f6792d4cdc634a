import { RunningSystem, startSystem } from '@libs/testing';

describe('grids over HTTP', () => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await startSystem();
  }, 60_000);
  afterAll(() => system?.stop(), 30_000);

  it('answers the root and ping without a token', async () => {
    expect((await system.api.get('/', { token: null })).body).toEqual({ name: 'Kontena Master', tagline: 'The Container Platform', version: expect.any(String) });
    expect((await system.api.get('/v1/ping', { token: null })).body).toEqual({ message: 'pong' });
  });

  it('refuses requests without a valid token with 401 and the bearer challenge', async () => {
    for (const token of [null, 'not-a-token']) {
      const answer = await system.api.get('/v1/grids', { token });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'invalid_token', error_description: 'Invalid token' });
      expect(answer.headers.get('www-authenticate')).toContain('Bearer realm="kontena_master"');
    }
  });

  it('creates a grid and reads it back at once (read-your-writes)', async () => {
    const created = await system.admin.post('/v1/grids', { name: 'alpha', initial_size: 3, trusted_subnets: ['10.240.0.0/16'] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: 'alpha',
      name: 'alpha',
      token: expect.stringMatching(/^[A-Za-z0-9+/=]{88}$/),
      initial_size: 3,
      stats: { statsd: null },
      default_affinity: [],
      trusted_subnets: ['10.240.0.0/16'],
      node_count: 0,
      service_count: 0,
      container_count: 0,
      user_count: 1,
      subnet: '10.81.0.0/16',
      supernet: '10.80.0.0/12',
    });
    expect(created.headers.get('etag')).toBe('W/"0"');
    expect(created.headers.get('x-kontena-position')).toMatch(/^\d+\/\d+$/);

    const read = await system.admin.get('/v1/grids/alpha');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect((await system.admin.get('/v1/grids')).body.grids.map((g: { name: string }) => g.name)).toContain('alpha');
  });

  it('validates input with Kontena\'s messages and changes nothing', async () => {
    const cases: [unknown, unknown][] = [
      [{ name: 'ab' }, { name: 'Name is too short' }],
      [{ name: 'bad name!' }, { name: "Name isn't in the right format" }],
      [{ name: 'okay', initial_size: 9 }, { initial_size: 'Initial Size is too big' }],
      [{ name: 'okay', initial_size: 'x' }, { initial_size: "Initial Size isn't an integer" }],
      [{ name: 'okay', trusted_subnets: ['192.256.0.0/24'] }, { trusted_subnets: 'Invalid trusted_subnet 192.256.0.0/24' }],
      [{ name: 'okay', stats: { statsd: { server: 'x' } } }, { stats: { statsd: { port: 'Port is required' } } }],
      [{ name: 'okay', logs: { forwarder: 'fluentd' } }, { logs: 'fluentd-address option must be given' }],
    ];
    for (const [body, error] of cases) {
      const answer = await system.admin.post('/v1/grids', body);
      expect({ body, status: answer.status, error: answer.body }).toEqual({ body, status: 422, error: { error } });
    }
    expect((await system.admin.get('/v1/grids/okay')).status).toBe(404);
  });

  it('refuses a duplicate name', async () => {
    await system.admin.post('/v1/grids', { name: 'dup-grid' });
    const again = await system.admin.post('/v1/grids', { name: 'dup-grid' });
    expect(again.status).toBe(422);
    expect(again.body).toEqual({ error: { grid: 'Grid with name dup-grid already exists' } });
  });

  it('answers malformed JSON with 400 Invalid json', async () => {
    const answer = await system.admin.request('POST', '/v1/grids', { body: '{"name": ', raw: true });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'Invalid json' });
  });

  it('updates only the given settings, and a stale If-Match gets 412', async () => {
    await system.admin.post('/v1/grids', { name: 'beta' });
    const updated = await system.admin.put('/v1/grids/beta', { default_affinity: ['label!=reserved'] }, { headers: { 'if-match': 'W/"0"' } });
    expect(updated.status).toBe(200);
    expect(updated.body.default_affinity).toEqual(['label!=reserved']);
    expect(updated.headers.get('etag')).toBe('W/"1"');

    const stale = await system.admin.put('/v1/grids/beta', { trusted_subnets: ['10.0.0.0/8'] }, { headers: { 'if-match': 'W/"0"' } });
    expect(stale.status).toBe(412);
    expect((await system.admin.get('/v1/grids/beta')).body.trusted_subnets).toEqual([]);
  });

  it('removes a grid', async () => {
    await system.admin.post('/v1/grids', { name: 'gamma' });
    const removed = await system.admin.delete('/v1/grids/gamma');
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({});
    expect((await system.admin.get('/v1/grids/gamma')).status).toBe(404);
    expect((await system.admin.get('/v1/grids/gamma')).body).toEqual({ error: 'Not found' });
  });

  it('serves an OpenAPI document generated from the DTOs', async () => {
    const doc = await system.api.get('/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/v1/grids'].post).toBeDefined();
    expect(doc.body.components.schemas.CreateGridDto.properties.initial_size).toBeDefined();
  });
});
