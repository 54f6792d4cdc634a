import { ApiClient, RunningSystem } from '@libs/testing';
import { gridCallers } from './support/grid-callers';

describe('external registries over HTTP', () => {
  let system: RunningSystem;
  let admin: ApiClient;
  let member: ApiClient;
  let outsider: ApiClient;

  beforeAll(async () => {
    ({ system, admin, member, outsider } = await gridCallers('reg'));
  }, 60_000);
  afterAll(() => system?.stop(), 30_000);

  const names = async () =>
    (await admin.get('/v1/grids/reg/external_registries')).body.external_registries.map(
      (r: { name: string }) => r.name,
    );

  it('adds a registry named after the URL host and never returns the password (201)', async () => {
    const created = await member.post('/v1/grids/reg/external_registries', {
      url: 'https://registry.example.com/',
      username: 'a_bot',
      password: 'xyz123',
      email: 'a_bot@example.com',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: 'reg/registry.example.com',
      name: 'registry.example.com',
      url: 'https://registry.example.com/',
      username: 'a_bot',
      email: 'a_bot@example.com',
    });
    expect(created.text).not.toContain('xyz123');
  });

  it('keeps a port other than 80/443 in the name, and the email is optional', async () => {
    const created = await member.post('/v1/grids/reg/external_registries', {
      url: 'http://10.1.2.3:5000',
      username: 'u',
      password: 'p',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: 'reg/10.1.2.3:5000',
      name: '10.1.2.3:5000',
      url: 'http://10.1.2.3:5000',
      username: 'u',
      email: null,
    });
    const read = await member.get('/v1/external_registries/reg/10.1.2.3:5000');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('lists and reads registries', async () => {
    const list = await member.get('/v1/grids/reg/external_registries');
    expect(list.status).toBe(200);
    expect(list.body.external_registries).toEqual([
      {
        id: 'reg/10.1.2.3:5000',
        name: '10.1.2.3:5000',
        url: 'http://10.1.2.3:5000',
        username: 'u',
        email: null,
      },
      {
        id: 'reg/registry.example.com',
        name: 'registry.example.com',
        url: 'https://registry.example.com/',
        username: 'a_bot',
        email: 'a_bot@example.com',
      },
    ]);
    expect(list.text).not.toContain('password');
    const read = await member.get('/v1/external_registries/reg/registry.example.com');
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('registry.example.com');
    expect(read.headers.get('etag')).toBe('W/"0"');
    expect((await admin.get('/v1/grids/other/external_registries')).body).toEqual({
      external_registries: [],
    });
  });

  it("validates with Kontena's messages and changes nothing", async () => {
    const ok = { url: 'https://new.example.com', username: 'u', password: 'p' };
    const cases: [unknown, unknown][] = [
      [{}, { url: 'Url is required', username: 'Username is required', password: 'Password is required' }],
      [{ ...ok, url: 'registry.example.com' }, { url: "Url isn't in the right format" }],
      [{ ...ok, url: 'ftp://registry.example.com' }, { url: "Url isn't in the right format" }],
      [{ ...ok, url: 'https://:5000' }, { url: "Url isn't in the right format" }],
      [{ ...ok, url: { toString: {} } }, { url: "Url isn't a string" }],
      [{ ...ok, username: '' }, { username: "Username can't be blank" }],
      [{ ...ok, password: null }, { password: "Password can't be nil" }],
      [{ ...ok, url: 'https://registry.example.com:443/v2/' }, { name: 'is already taken' }],
    ];
    const before = await names();
    for (const [body, error] of cases) {
      const answer = await member.post('/v1/grids/reg/external_registries', body);
      expect({ body, status: answer.status, error: answer.body }).toEqual({
        body,
        status: 422,
        error: { error },
      });
    }
    expect(await names()).toEqual(before);
  });

  it('refuses a duplicate name, where Kontena answered 201 without saving', async () => {
    const duplicate = await member.post('/v1/grids/reg/external_registries', {
      url: 'http://registry.example.com',
      username: 'someone-else',
      password: 'x',
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body).toEqual({ error: { name: 'is already taken' } });
    expect((await member.get('/v1/external_registries/reg/registry.example.com')).body.username).toBe(
      'a_bot',
    );
  });

  it('removes a registry (200 {}), after which it is not found and the name is free', async () => {
    await member.post('/v1/grids/reg/external_registries', {
      url: 'https://doomed.example.com',
      username: 'u',
      password: 'p',
    });
    const removed = await member.delete('/v1/external_registries/reg/doomed.example.com');
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({});
    expect(await names()).not.toContain('doomed.example.com');
    for (const answer of [
      await member.get('/v1/external_registries/reg/doomed.example.com'),
      await member.delete('/v1/external_registries/reg/doomed.example.com'),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: 'Not found' });
    }
    expect(
      (
        await member.post('/v1/grids/reg/external_registries', {
          url: 'https://doomed.example.com',
          username: 'u',
          password: 'p',
        })
      ).status,
    ).toBe(201);
  });

  it('answers 401 without a valid token on every route', async () => {
    const requests = [
      () => system.api.get('/v1/grids/reg/external_registries', { token: null }),
      () =>
        system.api.post(
          '/v1/grids/reg/external_registries',
          { url: 'https://x.example.com', username: 'u', password: 'p' },
          { token: null },
        ),
      () => system.api.get('/v1/external_registries/reg/registry.example.com', { token: 'not-a-token' }),
      () => system.api.delete('/v1/external_registries/reg/registry.example.com', { token: null }),
    ];
    for (const request of requests) {
      const answer = await request();
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'invalid_token', error_description: 'Invalid token' });
    }
    expect(await names()).toContain('registry.example.com');
  });

  it('answers 403 to users outside the grid and 404 for a missing grid, changing nothing', async () => {
    const requests = (client: ApiClient, grid: string) => [
      () => client.get(`/v1/grids/${grid}/external_registries`),
      () =>
        client.post(`/v1/grids/${grid}/external_registries`, {
          url: 'https://intruder.example.com',
          username: 'u',
          password: 'p',
        }),
      () => client.get(`/v1/external_registries/${grid}/registry.example.com`),
      () => client.delete(`/v1/external_registries/${grid}/registry.example.com`),
    ];
    const before = await names();
    for (const request of requests(outsider, 'reg')) {
      const answer = await request();
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ error: 'Access denied' });
    }
    for (const request of requests(admin, 'nope')) {
      const answer = await request();
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({ error: 'Not found' });
    }
    expect(await names()).toEqual(before);
  });
});
