import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dumpPrefix, RunningSystem, startSystem, testRedis, TestUser, userWith } from '@libs/testing';

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('config over HTTP', () => {
  let system: RunningSystem;
  let gridAdmin: TestUser;

  beforeAll(async () => {
    system = await startSystem();
    gridAdmin = await userWith(system, { email: 'ga@example.com', roles: ['grid_admin', 'user_admin'] });
    // userWith configured an auth provider through the config; these tests start from an empty one.
    expect((await system.admin.delete('/v1/config')).status).toBe(201);
  }, 60_000);
  afterAll(() => system?.stop());

  it('upserts keys with PATCH (201 {}) and answers a flat, sorted hash', async () => {
    const patched = await system.admin.patch('/v1/config', { 'server.name': 'prod', 'cloud.enabled': true, 'agent.count': 3, 'a.list': ['x', 1] });
    expect(patched.status).toBe(201);
    expect(patched.body).toEqual({});
    const read = await system.admin.get('/v1/config');
    expect(read.status).toBe(200);
    expect(read.text).toBe(JSON.stringify({ 'a.list': ['x', 1], 'agent.count': 3, 'cloud.enabled': true, 'server.name': 'prod' }));
    expect(read.headers.get('etag')).toMatch(/^W\/"\d+"$/);
  });

  it("filters keys with Kontena's `prefix*` and substring rules", async () => {
    await system.admin.patch('/v1/config', { 'server.root_url': 'https://m.example.com', 'cloud.server': 'x' });
    expect(Object.keys((await system.admin.get('/v1/config?filter=server*')).body)).toEqual(['server.name', 'server.root_url']);
    expect(Object.keys((await system.admin.get('/v1/config?filter=server')).body)).toEqual(['cloud.server', 'server.name', 'server.root_url']);
  });

  it('reads one key as {key: value}, 404 for an unknown one', async () => {
    expect(await system.admin.get('/v1/config/server.name')).toMatchObject({ status: 200, body: { 'server.name': 'prod' } });
    expect(await system.admin.get('/v1/config/no.such.key')).toMatchObject({ status: 404, body: { error: 'Not found' } });
  });

  it('removes a key given null in a PATCH, or with DELETE /v1/config/:key (201 {})', async () => {
    await system.admin.patch('/v1/config', { 'cloud.server': null });
    const removed = await system.admin.delete('/v1/config/a.list');
    expect(removed.status).toBe(201);
    expect(removed.body).toEqual({});
    expect(Object.keys((await system.admin.get('/v1/config')).body)).toEqual(['agent.count', 'cloud.enabled', 'server.name', 'server.root_url']);
    expect((await system.admin.delete('/v1/config/a.list')).status).toBe(201);
  });

  it('replaces everything with PUT, and clears everything with DELETE', async () => {
    const replaced = await system.admin.put('/v1/config', { 'only.key': 'v' });
    expect(replaced.status).toBe(201);
    expect((await system.admin.get('/v1/config')).body).toEqual({ 'only.key': 'v' });
    const cleared = await system.admin.delete('/v1/config');
    expect(cleared.status).toBe(201);
    expect(cleared.body).toEqual({});
    expect((await system.admin.get('/v1/config')).body).toEqual({});
  });

  it('refuses bodies that are not a hash and blank keys, changing nothing', async () => {
    await system.admin.patch('/v1/config', { 'keep.me': 1 });
    const array = await system.admin.request('PATCH', '/v1/config', { body: '[1,2]', raw: true });
    expect(array).toMatchObject({ status: 400, body: { error: 'Invalid json' } });
    const blank = await system.admin.patch('/v1/config', { ' ': 'x', 'other.key': 'y' });
    expect(blank.status).toBe(422);
    expect(blank.body).toEqual({ error: { ' ': "Key can't be blank" } });
    expect((await system.admin.get('/v1/config')).body).toEqual({ 'keep.me': 1 });
  });

  it('honours If-Match: a stale revision answers 412 and changes nothing', async () => {
    const etag = (await system.admin.get('/v1/config')).headers.get('etag')!;
    expect((await system.admin.patch('/v1/config', { 'keep.me': 2 }, { headers: { 'if-match': etag } })).status).toBe(201);
    expect((await system.admin.patch('/v1/config', { 'keep.me': 3 }, { headers: { 'if-match': etag } })).status).toBe(412);
    expect((await system.admin.get('/v1/config/keep.me')).body).toEqual({ 'keep.me': 2 });
  });

  it('is for master_admins only (403), with a valid token (401)', async () => {
    for (const [method, path] of [['GET', '/v1/config'], ['PATCH', '/v1/config'], ['PUT', '/v1/config'], ['DELETE', '/v1/config'], ['GET', '/v1/config/keep.me'], ['DELETE', '/v1/config/keep.me']]) {
      const body = method === 'PATCH' || method === 'PUT' ? { 'keep.me': 'hacked' } : undefined;
      expect({ method, path, status: (await gridAdmin.api.request(method, path, { body })).status }).toEqual({ method, path, status: 403 });
      expect({ method, path, status: (await system.api.request(method, path, { body, token: null })).status }).toEqual({ method, path, status: 401 });
    }
    expect((await system.admin.get('/v1/config')).body).toEqual({ 'keep.me': 2 });
  });

  it('seals _secret values: opened for master_admins, and nowhere in plaintext in the event store or Redis', async () => {
    const secret = `plain-${randomBytes(12).toString('hex')}`;
    const structured = { token: `nested-${randomBytes(12).toString('hex')}` };
    // A value that is not secret, written the same way: the search below must find it, or it proves nothing.
    const control = `control-${randomBytes(12).toString('hex')}`;
    expect((await system.admin.patch('/v1/config', { 'oauth2.client_secret': secret, 'custom.api_secret': structured, 'control.value': control })).status).toBe(201);
    expect((await system.admin.get('/v1/config/oauth2.client_secret')).body).toEqual({ 'oauth2.client_secret': secret });
    expect((await system.admin.get('/v1/config?filter=custom*')).body).toEqual({ 'custom.api_secret': structured });
    // Re-sending the same secret records nothing new.
    const etag = (await system.admin.get('/v1/config')).headers.get('etag');
    await system.admin.patch('/v1/config', { 'oauth2.client_secret': secret });
    expect((await system.admin.get('/v1/config')).headers.get('etag')).toBe(etag);

    const needles = [secret, structured.token].flatMap((value) => [value, Buffer.from(value).toString('base64'), Buffer.from(JSON.stringify(value)).toString('base64')]);
    const searched = files(system.eventStoreDataDir);
    expect(searched.some((file) => readFileSync(file).includes(control))).toBe(true);
    for (const file of searched) {
      const bytes = readFileSync(file);
      for (const needle of needles) expect({ file, found: bytes.includes(needle) }).toEqual({ file, found: false });
    }
    const redis = testRedis();
    try {
      const dump = await dumpPrefix(redis, system.redisPrefix);
      expect([...dump.values()].some((value) => value.includes(control))).toBe(true);
      for (const [key, value] of dump) {
        for (const needle of needles) expect({ key, found: key.includes(needle) || value.includes(needle) }).toEqual({ key, found: false });
      }
    } finally {
      redis.disconnect();
    }
    for (const line of system.logs()) for (const needle of needles) expect(line.includes(needle)).toBe(false);
  });
});
