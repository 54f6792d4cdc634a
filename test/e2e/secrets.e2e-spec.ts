import { EventStoreDBClient, StreamNotFoundError } from '@eventstore/db-client';
import { ApiClient, RunningSystem } from '@libs/testing';
import { gridCallers, ISO } from './support/grid-callers';

/** The events of one stream, as an auditor reads them. */
async function history(system: RunningSystem, stream: string) {
  const client = EventStoreDBClient.connectionString(system.eventStoreUrl);
  const events: { type: string; data: any; metadata: any }[] = [];
  try {
    for await (const { event } of client.readStream(stream))
      if (event) events.push({ type: event.type, data: event.data, metadata: event.metadata });
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  } finally {
    await client.dispose();
  }
  return events;
}

describe('secrets over HTTP', () => {
  let system: RunningSystem;
  let admin: ApiClient;
  let member: ApiClient;
  let outsider: ApiClient;

  beforeAll(async () => {
    ({ system, admin, member, outsider } = await gridCallers('vault'));
  }, 60_000);
  afterAll(() => system?.stop(), 30_000);

  const secrets = async () =>
    (await admin.get('/v1/grids/vault/secrets')).body.secrets.map((s: { name: string }) => s.name);

  it('writes a secret and answers with its value (201)', async () => {
    const created = await member.post('/v1/grids/vault/secrets', { name: 'DB_PASSWORD', value: 'T0Ps3crT' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: 'vault/DB_PASSWORD',
      name: 'DB_PASSWORD',
      created_at: ISO,
      value: 'T0Ps3crT',
      services: [],
    });
    expect(created.headers.get('etag')).toBe('W/"0"');
  });

  it('lists secrets without their values', async () => {
    await admin.post('/v1/grids/vault/secrets', { name: 'API_KEY', value: 'k' });
    const list = await member.get('/v1/grids/vault/secrets');
    expect(list.status).toBe(200);
    expect(list.body.secrets).toEqual(
      expect.arrayContaining([
        { id: 'vault/DB_PASSWORD', name: 'DB_PASSWORD', created_at: ISO, updated_at: ISO, services: [] },
      ]),
    );
    expect(list.text).not.toContain('T0Ps3crT');
    expect((await admin.get('/v1/grids/other/secrets')).body).toEqual({ secrets: [] });
  });

  it("validates with Kontena's messages and changes nothing", async () => {
    const cases: [unknown, unknown][] = [
      [{ value: 'v' }, { name: 'Name is required' }],
      [{ name: 'OK_NAME' }, { value: 'Value is required' }],
      [{}, { name: 'Name is required', value: 'Value is required' }],
      [{ name: '-LEADING', value: 'v' }, { name: "Name isn't in the right format" }],
      [{ name: 'has space', value: 'v' }, { name: "Name isn't in the right format" }],
      [{ name: 'OK_NAME', value: '   ' }, { value: "Value can't be blank" }],
      [{ name: 'OK_NAME', value: { nested: true } }, { value: "Value isn't a string" }],
      [{ name: 'DB_PASSWORD', value: 'other' }, { name: 'is already taken' }],
    ];
    const before = await secrets();
    for (const [body, error] of cases) {
      const answer = await member.post('/v1/grids/vault/secrets', body);
      expect({ body, status: answer.status, error: answer.body }).toEqual({
        body,
        status: 422,
        error: { error },
      });
    }
    expect(await secrets()).toEqual(before);
    expect((await admin.get('/v1/secrets/vault/DB_PASSWORD')).body.value).toBe('T0Ps3crT');
  });

  it("reveals the value and records who read it in the secret's history", async () => {
    const read = await member.get('/v1/secrets/vault/DB_PASSWORD');
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      id: 'vault/DB_PASSWORD',
      name: 'DB_PASSWORD',
      created_at: ISO,
      value: 'T0Ps3crT',
      services: [],
    });

    const reads = (await history(system, 'secret-vault/DB_PASSWORD')).filter((e) => e.type === 'SecretRead');
    const last = reads[reads.length - 1];
    expect(last.metadata.actor).toEqual(
      expect.objectContaining({ kind: 'user', email: 'member@example.com' }),
    );
    expect(last.metadata.requestId).toBe(read.headers.get('x-request-id'));
    expect(JSON.stringify(last)).not.toContain('T0Ps3crT');
  });

  it('lists the services that use a secret', async () => {
    for (const name of ['app', 'worker']) {
      const service = {
        name,
        image: 'redis:7',
        stateful: false,
        secrets: [{ secret: 'API_KEY', name: 'API_KEY' }],
      };
      expect((await admin.post('/v1/grids/vault/services', service)).status).toBe(201);
    }
    const services = [
      { id: 'vault/null/app', name: 'app' },
      { id: 'vault/null/worker', name: 'worker' },
    ];
    expect((await member.get('/v1/secrets/vault/API_KEY')).body.services).toEqual(services);
    const listed = (await member.get('/v1/grids/vault/secrets')).body.secrets;
    expect(listed.find((s: { name: string }) => s.name === 'API_KEY').services).toEqual(services);
    expect(listed.find((s: { name: string }) => s.name === 'DB_PASSWORD').services).toEqual([]);

    expect((await admin.delete('/v1/services/vault/null/worker')).status).toBe(200);
    expect((await member.get('/v1/secrets/vault/API_KEY')).body.services).toEqual([services[0]]);
  });

  it('updates a value (200), and an equal value records nothing', async () => {
    const updated = await member.put('/v1/secrets/vault/DB_PASSWORD', { value: 'n3w-s3cret' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({
      id: 'vault/DB_PASSWORD',
      name: 'DB_PASSWORD',
      created_at: ISO,
      value: 'n3w-s3cret',
      services: [],
    });
    expect((await admin.get('/v1/secrets/vault/DB_PASSWORD')).body.value).toBe('n3w-s3cret');

    const changes = async () =>
      (await history(system, 'secret-vault/DB_PASSWORD')).filter((e) => e.type === 'SecretValueChanged')
        .length;
    expect(await changes()).toBe(1);
    const same = await member.put('/v1/secrets/vault/DB_PASSWORD', {
      name: 'DB_PASSWORD',
      value: 'n3w-s3cret',
    });
    expect(same.status).toBe(200);
    expect(same.body.value).toBe('n3w-s3cret');
    expect(await changes()).toBe(1);
  });

  it('answers a bare 404 for a missing secret without upsert, and creates it with upsert (201)', async () => {
    const missing = await member.put('/v1/secrets/vault/NEW_ONE', { value: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('');
    expect(await secrets()).not.toContain('NEW_ONE');

    const upserted = await member.put('/v1/secrets/vault/NEW_ONE', {
      name: 'NEW_ONE',
      value: 'x',
      upsert: true,
    });
    expect(upserted.status).toBe(201);
    expect(upserted.body).toEqual({
      id: 'vault/NEW_ONE',
      name: 'NEW_ONE',
      created_at: ISO,
      value: 'x',
      services: [],
    });
    const again = await member.put('/v1/secrets/vault/NEW_ONE', { value: 'y', upsert: true });
    expect(again.status).toBe(200);
    expect(again.body.value).toBe('y');
  });

  it('keeps the deprecated PUT /v1/grids/:grid/secrets/:name alias', async () => {
    const created = await member.put('/v1/grids/vault/secrets/ALIASED', { value: 'a', upsert: true });
    expect(created.status).toBe(201);
    const updated = await member.put('/v1/grids/vault/secrets/ALIASED', { value: 'b' });
    expect(updated.status).toBe(200);
    expect((await member.get('/v1/secrets/vault/ALIASED')).body.value).toBe('b');
    expect((await member.put('/v1/grids/vault/secrets/NOPE', { value: 'b' })).status).toBe(404);
  });

  it('refuses invalid updates and changes nothing', async () => {
    const cases: [string, unknown, unknown][] = [
      ['/v1/secrets/vault/DB_PASSWORD', {}, { value: 'Value is required' }],
      ['/v1/secrets/vault/DB_PASSWORD', { value: '' }, { value: "Value can't be blank" }],
      [
        '/v1/secrets/vault/DB_PASSWORD',
        { value: 'x', upsert: 'maybe' },
        { upsert: "Upsert isn't a boolean" },
      ],
      [
        '/v1/secrets/vault/DB_PASSWORD',
        { value: 'x', name: 'OTHER' },
        { name: 'Name must match the secret in the path' },
      ],
      ['/v1/secrets/vault/-bad', { value: 'x', upsert: true }, { name: "Name isn't in the right format" }],
    ];
    for (const [path, body, error] of cases) {
      const answer = await member.put(path, body);
      expect({ path, body, status: answer.status, error: answer.body }).toEqual({
        path,
        body,
        status: 422,
        error: { error },
      });
    }
    expect((await admin.get('/v1/secrets/vault/DB_PASSWORD')).body.value).toBe('n3w-s3cret');
    expect(await secrets()).not.toContain('OTHER');
  });

  it('removes a secret (200 {}), after which it is not found', async () => {
    await admin.post('/v1/grids/vault/secrets', { name: 'DOOMED', value: 'd' });
    const removed = await member.delete('/v1/secrets/vault/DOOMED');
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({});
    expect(await secrets()).not.toContain('DOOMED');
    for (const answer of [
      await member.get('/v1/secrets/vault/DOOMED'),
      await member.delete('/v1/secrets/vault/DOOMED'),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: 'Not found' });
    }
    expect((await history(system, 'secret-vault/DOOMED')).map((e) => e.type)).toEqual([
      'SecretCreated',
      'SecretRemoved',
    ]);
    // The name is free again.
    expect((await admin.post('/v1/grids/vault/secrets', { name: 'DOOMED', value: 'again' })).status).toBe(
      201,
    );
  });

  it('answers 401 without a valid token on every route', async () => {
    const requests = [
      () => system.api.get('/v1/grids/vault/secrets', { token: null }),
      () => system.api.post('/v1/grids/vault/secrets', { name: 'X', value: 'x' }, { token: null }),
      () => system.api.get('/v1/secrets/vault/DB_PASSWORD', { token: 'not-a-token' }),
      () => system.api.put('/v1/secrets/vault/DB_PASSWORD', { value: 'x' }, { token: null }),
      () => system.api.put('/v1/grids/vault/secrets/DB_PASSWORD', { value: 'x' }, { token: null }),
      () => system.api.delete('/v1/secrets/vault/DB_PASSWORD', { token: null }),
    ];
    for (const request of requests) {
      const answer = await request();
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'invalid_token', error_description: 'Invalid token' });
    }
    expect((await admin.get('/v1/secrets/vault/DB_PASSWORD')).body.value).toBe('n3w-s3cret');
  });

  it('answers 403 to users outside the grid and 404 for a missing grid, changing nothing', async () => {
    const requests = (client: ApiClient, grid: string) => [
      () => client.get(`/v1/grids/${grid}/secrets`),
      () => client.post(`/v1/grids/${grid}/secrets`, { name: 'INTRUDER', value: 'x' }),
      () => client.get(`/v1/secrets/${grid}/DB_PASSWORD`),
      () => client.put(`/v1/secrets/${grid}/DB_PASSWORD`, { value: 'owned', upsert: true }),
      () => client.put(`/v1/grids/${grid}/secrets/DB_PASSWORD`, { value: 'owned', upsert: true }),
      () => client.delete(`/v1/secrets/${grid}/DB_PASSWORD`),
    ];
    const readsBefore = (await history(system, 'secret-vault/DB_PASSWORD')).length;
    for (const request of requests(outsider, 'vault')) {
      const answer = await request();
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ error: 'Access denied' });
    }
    for (const request of requests(admin, 'nope')) {
      const answer = await request();
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: 'Not found' });
    }
    expect((await history(system, 'secret-vault/DB_PASSWORD')).length).toBe(readsBefore);
    expect(await secrets()).not.toContain('INTRUDER');
    expect((await admin.get('/v1/secrets/vault/DB_PASSWORD')).body.value).toBe('n3w-s3cret');
    expect((await admin.get('/v1/grids/nope/secrets')).status).toBe(404);
  });
});
