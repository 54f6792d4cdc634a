import { dumpPrefix, RunningSystem, startApp, startSystem, testRedis, TestUser, userWith } from '@libs/testing';

interface Entry {
  time: string;
  grid: string | null;
  grid_id: string | null;
  service: string;
  resource_type: string;
  resource_name: string | null;
  resource_id: string;
  event_name: string;
  event_status: string;
  source_ip: string | null;
  user_agent: string | null;
  user_identity: { id: string; email: string | null };
}

describe('audit log over HTTP', () => {
  let system: RunningSystem;
  let operator: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  const AGENT = 'kontena-cli/1.5.4+audit-test';

  beforeAll(async () => {
    system = await startSystem();
    operator = await userWith(system, { email: 'operator@example.com', roles: ['master_admin'] });
    const asOperator = { headers: { 'user-agent': AGENT } };
    expect((await operator.api.post('/v1/grids', { name: 'audited' }, asOperator)).status).toBe(201);
    expect((await operator.api.put('/v1/grids/audited', { default_affinity: ['label!=x'] }, asOperator)).status).toBe(200);
    expect((await operator.api.post('/v1/grids', { name: 'doomed' }, asOperator)).status).toBe(201);
    expect((await operator.api.delete('/v1/grids/doomed', asOperator)).status).toBe(200);
    member = await userWith(system, { email: 'member@example.com', grids: ['audited'] });
    outsider = await userWith(system, { email: 'outsider@example.com' });
  }, 60_000);
  afterAll(() => system?.stop());

  const logs = async (path: string): Promise<Entry[]> => {
    const answer = await system.admin.get(path);
    expect(answer.status).toBe(200);
    return answer.body.logs as Entry[];
  };

  it("records a create, an update and a delete with Kontena's JSON, the actor, their address and client", async () => {
    const entries = (await logs('/v1/audit_logs')).filter((e) => e.resource_type === 'Grid');
    const who = { id: operator.id, email: 'operator@example.com' };
    const common = { event_status: 'success', source_ip: expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/), user_agent: AGENT, user_identity: who, service: '' };
    expect(entries).toEqual([
      { ...common, time: expect.any(String), grid: 'audited', grid_id: 'audited', resource_type: 'Grid', resource_name: 'audited', resource_id: 'audited', event_name: 'create' },
      { ...common, time: expect.any(String), grid: 'audited', grid_id: 'audited', resource_type: 'Grid', resource_name: 'audited', resource_id: 'audited', event_name: 'update' },
      { ...common, time: expect.any(String), grid: 'doomed', grid_id: 'doomed', resource_type: 'Grid', resource_name: 'doomed', resource_id: 'doomed', event_name: 'create' },
      { ...common, time: expect.any(String), grid: 'doomed', grid_id: 'doomed', resource_type: 'Grid', resource_name: 'doomed', resource_id: 'doomed', event_name: 'delete' },
    ]);
    const times = entries.map((e) => Date.parse(e.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('records every domain event, including the identity ones, with who caused them', async () => {
    const entries = await logs('/v1/audit_logs?limit=3000');
    const seen = new Set(entries.map((e) => `${e.resource_type}:${e.event_name}`));
    for (const expected of ['User:create', 'AccessToken:issue', 'AccessToken:exchange', 'config:modify', 'User:invite', 'User:add role', 'User:assign user']) {
      expect(seen).toContain(expected);
    }
    // The initial admin is created by the system itself, before anyone signs in.
    expect(entries[0]).toMatchObject({ resource_type: 'User', resource_id: 'admin', event_name: 'create', user_identity: { id: 'system:api:initial-admin', email: null } });
  });

  it('serves the newest `limit` entries, oldest first; out-of-range limits mean 500 (Kontena)', async () => {
    const all = await logs('/v1/audit_logs');
    expect(all.length).toBeLessThanOrEqual(500);
    expect(await logs('/v1/audit_logs?limit=2')).toEqual(all.slice(-2));
    for (const limit of ['0', '3001', 'abc']) expect((await logs(`/v1/audit_logs?limit=${limit}`)).length).toBe(all.length);
  });

  it("shows a grid's entries to its members, and only theirs", async () => {
    const answer = await member.api.get('/v1/grids/audited/audit_log');
    expect(answer.status).toBe(200);
    const entries = answer.body.logs as Entry[];
    expect(entries.every((e) => e.grid === 'audited')).toBe(true);
    expect(entries.map((e) => `${e.resource_type}:${e.event_name}:${e.resource_id}`)).toEqual([
      'Grid:create:audited',
      'Grid:update:audited',
      'User:assign user:member@example.com',
    ]);
    expect(((await member.api.get('/v1/grids/audited/audit_log?limit=1')).body.logs as Entry[]).map((e) => e.event_name)).toEqual(['assign user']);
  });

  it("drops a removed grid's own log; the master's log keeps its history", async () => {
    expect(await system.admin.get('/v1/grids/doomed/audit_log')).toMatchObject({ status: 404, body: { error: 'Not found' } });
    expect((await system.admin.post('/v1/grids', { name: 'doomed' })).status).toBe(201);
    expect((await logs('/v1/grids/doomed/audit_log')).map((e) => e.event_name)).toEqual(['create']);
  });

  it('is for master_admins (whole master) and grid members (a grid); 401 without a token', async () => {
    expect(await member.api.get('/v1/audit_logs')).toMatchObject({ status: 403, body: { error: 'Access denied' } });
    expect(await outsider.api.get('/v1/grids/audited/audit_log')).toMatchObject({ status: 403, body: { error: 'Access denied' } });
    expect((await system.api.get('/v1/audit_logs', { token: null })).status).toBe(401);
    expect((await system.api.get('/v1/grids/audited/audit_log', { token: null })).status).toBe(401);
  });

  it('is rebuilt byte for byte, entry ids included, with the identity read models (DESIGN.md §4)', async () => {
    const redis = testRedis();
    try {
      const live = await dumpPrefix(redis, `${system.redisPrefix}rm:1:`);
      expect([...live.keys()].filter((key) => key.startsWith('auditlog:')).sort()).toEqual(['auditlog:all', 'auditlog:grid:audited', 'auditlog:grid:doomed']);
      // Replays $all into generation 2, switches readers to it and drops generation 1.
      const rebuild = startApp('projector', system.env, 'rebuild');
      expect(await rebuild.exited).toBe(0);
      const rebuilt = await dumpPrefix(redis, `${system.redisPrefix}rm:2:`);
      expect(Object.fromEntries(rebuilt)).toEqual(Object.fromEntries(live));
    } finally {
      redis.disconnect();
    }
    // The api follows the switch and answers from the rebuilt generation.
    expect((await logs('/v1/grids/audited/audit_log')).length).toBe(3);
  });
});
