import { ApiClient, RunningSystem, startApp, startSystem, userWith } from '@libs/testing';
import { ISO } from './support/grid-callers';

const GRID = 'nodes-e2e';
const BASE64_TOKEN = expect.stringMatching(/^[A-Za-z0-9+/=]{88}$/);
const gridToken = (token: string) => ({ headers: { 'kontena-grid-token': token }, token: null });
const nodeToken = (token: string) => ({ headers: { 'kontena-node-token': token }, token: null });
const engineId = (n: number) => `AAAA:BBBB:CCCC:${String(n).padStart(4, '0')}`;
const info = {
  os: 'Ubuntu 24.04 LTS',
  kernel_version: '6.8.0',
  cpus: 2,
  mem_total: 4_000_000_000,
  private_ip: '192.168.66.10',
  public_ip: '52.30.169.34',
  docker_version: '27.1.1',
  agent_version: '0.1.0',
};

describe('nodes over HTTP', () => {
  let system: RunningSystem;
  let admin: ApiClient;
  let member: ApiClient;
  let gridAdmin: ApiClient;
  let outsider: ApiClient;
  let token: string;
  /** Node tokens the grid-token registrations handed to agents, by agent node id. */
  const agentTokens = new Map<string, string>();

  /** The grid stream's revision: a refused request must not have appended a claim. */
  const gridRevision = async (grid = GRID) => (await admin.get(`/v1/grids/${grid}`)).headers.get('etag');

  beforeAll(async () => {
    system = await startSystem();
    admin = system.admin;
    const grid = await admin.post('/v1/grids', { name: GRID, initial_size: 2 });
    expect(grid.status).toBe(201);
    token = grid.body.token;
    [member, gridAdmin, outsider] = await Promise.all([
      userWith(system, { email: 'member@example.com', grids: [GRID] }).then((u) => u.api),
      userWith(system, { email: 'grid-admin@example.com', roles: ['grid_admin'], grids: [GRID] }).then((u) => u.api),
      userWith(system, { email: 'outsider@example.com', roles: ['grid_admin'] }).then((u) => u.api),
    ]);
  }, 60_000);
  afterAll(() => system?.stop());

  describe('created through the API', () => {
    it("creates a node with a node token, ahead of its agent, in Kontena's JSON", async () => {
      const created = await gridAdmin.post(`/v1/grids/${GRID}/nodes`, { name: 'api-1', labels: ['az=a'] });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: `${GRID}/api-1`,
        node_id: null,
        connected: false,
        updated: false,
        availability: 'active',
        created_at: ISO,
        updated_at: ISO,
        connected_at: null,
        last_seen_at: null,
        disconnected_at: null,
        status: 'created',
        has_token: true,
        name: 'api-1',
        os: null,
        engine_root_dir: null,
        driver: null,
        network_drivers: [],
        volume_drivers: [],
        kernel_version: null,
        labels: ['az=a'],
        mem_total: null,
        mem_limit: null,
        cpus: null,
        public_ip: null,
        private_ip: null,
        overlay_ip: '10.81.0.1',
        agent_version: null,
        docker_version: null,
        peer_ips: [],
        node_number: 1,
        initial_member: true,
        grid: {
          id: GRID,
          name: GRID,
          initial_size: 2,
          stats: { statsd: null },
          trusted_subnets: [],
          subnet: '10.81.0.0/16',
          supernet: '10.80.0.0/12',
        },
        resource_usage: {},
      });
      expect(created.body).not.toHaveProperty('token');
      expect(created.headers.get('etag')).toBe('W/"0"');

      const read = await member.get(`/v1/nodes/${GRID}/api-1`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
      expect(read.headers.get('etag')).toBe('W/"0"');

      const secret = await gridAdmin.get(`/v1/nodes/${GRID}/api-1/token`);
      expect(secret.status).toBe(200);
      expect(secret.body).toEqual({ id: `${GRID}/api-1`, token: BASE64_TOKEN });
      expect(system.logs().join('\n')).not.toContain(secret.body.token);
    });

    it('takes a given token and lists nodes by name', async () => {
      const created = await gridAdmin.post(`/v1/grids/${GRID}/nodes`, {
        name: 'api-0',
        token: 'asdfasdfasdfasdf',
      });
      expect(created.status).toBe(201);
      expect(created.body.node_number).toBe(2);
      expect(created.body.initial_member).toBe(true);
      expect((await gridAdmin.get(`/v1/nodes/${GRID}/api-0/token`)).body).toEqual({
        id: `${GRID}/api-0`,
        token: 'asdfasdfasdfasdf',
      });

      const list = await member.get(`/v1/grids/${GRID}/nodes`);
      expect(list.status).toBe(200);
      const names = list.body.nodes.map((n: { name: string }) => n.name);
      expect(names).toEqual([...names].sort());
      expect(names).toEqual(expect.arrayContaining(['api-0', 'api-1']));
      expect((await member.get(`/v1/grids/${GRID}`)).body.node_count).toBe(names.length);
    });

    it("validates with Kontena's messages and changes nothing", async () => {
      const before = await gridRevision();
      const count = (await admin.get(`/v1/grids/${GRID}/nodes`)).body.nodes.length;
      const cases: [unknown, unknown][] = [
        [{}, { name: 'Name is required' }],
        [{ name: 'bad name!' }, { name: "Name isn't in the right format" }],
        [{ name: 'ok-node', token: '' }, { token: "Token can't be blank" }],
        [{ name: 'ok-node', token: 'short' }, { token: 'is too short (minimum is 16 characters)' }],
        [{ name: 'ok-node', token: 'x'.repeat(257) }, { token: 'is too long (maximum is 256 characters)' }],
        [{ name: 'ok-node', labels: 'az=a' }, { labels: "Labels isn't an array" }],
        [{ name: 'ok-node', labels: ['ok', { a: 1 }] }, { labels: [null, "Labels[1] isn't a string"] }],
        [{ name: 'api-1' }, { name: 'Node with name api-1 already exists' }],
        [{ name: 'ok-node', token: 'asdfasdfasdfasdf' }, { token: 'Node with token already exists' }],
      ];
      for (const [body, error] of cases) {
        const answer = await gridAdmin.post(`/v1/grids/${GRID}/nodes`, body);
        expect({ body, status: answer.status, error: answer.body }).toEqual({
          body,
          status: 422,
          error: { error },
        });
      }
      expect(await gridRevision()).toBe(before);
      expect((await admin.get(`/v1/grids/${GRID}/nodes`)).body.nodes).toHaveLength(count);
    });

    it('updates labels wholesale and availability, honouring If-Match', async () => {
      await gridAdmin.post(`/v1/grids/${GRID}/nodes`, { name: 'upd', labels: ['a=1'] });
      const updated = await member.put(`/v1/nodes/${GRID}/upd`, {
        labels: ['foo=1', 'bar=2'],
        availability: 'drain',
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        labels: ['foo=1', 'bar=2'],
        availability: 'drain',
        status: 'created',
      });
      expect(updated.headers.get('etag')).toBe('W/"2"');

      const cleared = await member.put(
        `/v1/nodes/${GRID}/upd`,
        { labels: [] },
        { headers: { 'if-match': 'W/"2"' } },
      );
      expect(cleared.body).toMatchObject({ labels: [], availability: 'drain' });

      const stale = await member.put(
        `/v1/nodes/${GRID}/upd`,
        { availability: 'active' },
        { headers: { 'if-match': 'W/"2"' } },
      );
      expect(stale.status).toBe(412);
      const invalid = await member.put(`/v1/nodes/${GRID}/upd`, { availability: 'maintenance' });
      expect([invalid.status, invalid.body]).toEqual([
        422,
        { error: { availability: "Availability isn't an option" } },
      ]);
      expect((await member.get(`/v1/nodes/${GRID}/upd`)).body).toMatchObject({
        labels: [],
        availability: 'drain',
      });
    });

    it('resets, replaces and clears node tokens (grid_admin)', async () => {
      await gridAdmin.post(`/v1/grids/${GRID}/nodes`, { name: 'tok', token: 'tok-token-0123456789' });
      const generated = await gridAdmin.put(`/v1/nodes/${GRID}/tok/token`, { token: null });
      expect(generated.status).toBe(200);
      expect(generated.body).toEqual({ id: `${GRID}/tok`, token: BASE64_TOKEN });
      expect((await gridAdmin.get(`/v1/nodes/${GRID}/tok/token`)).body.token).toBe(generated.body.token);

      const given = await gridAdmin.put(`/v1/nodes/${GRID}/tok/token`, { token: 'tok-token-abcdefghij' });
      expect(given.body).toEqual({ id: `${GRID}/tok`, token: 'tok-token-abcdefghij' });

      for (const [body, error] of [
        [{ token: '' }, { token: "Token can't be blank" }],
        [{ token: 'asdf' }, { token: 'is too short (minimum is 16 characters)' }],
        [{ token: 'asdfasdfasdfasdf' }, { token: 'Node with token already exists' }],
        [{ reset_connection: 'maybe' }, { reset_connection: "Reset Connection isn't a boolean" }],
      ] as const) {
        const answer = await gridAdmin.put(`/v1/nodes/${GRID}/tok/token`, body);
        expect({ body, status: answer.status, error: answer.body }).toEqual({
          body,
          status: 422,
          error: { error },
        });
      }
      expect((await gridAdmin.get(`/v1/nodes/${GRID}/tok/token`)).body.token).toBe('tok-token-abcdefghij');

      const cleared = await gridAdmin.request('DELETE', `/v1/nodes/${GRID}/tok/token`, { body: {} });
      expect([cleared.status, cleared.body]).toEqual([200, {}]);
      const none = await gridAdmin.get(`/v1/nodes/${GRID}/tok/token`);
      expect([none.status, none.body]).toEqual([404, { error: 'Host node does not have a node token' }]);
      expect((await member.get(`/v1/nodes/${GRID}/tok`)).body.has_token).toBe(false);
    });

    it('removes a node and gives its number to the next one', async () => {
      const doomed = await gridAdmin.post(`/v1/grids/${GRID}/nodes`, { name: 'doomed' });
      const removed = await member.delete(`/v1/nodes/${GRID}/doomed`);
      expect([removed.status, removed.body]).toEqual([200, {}]);
      expect(await member.get(`/v1/nodes/${GRID}/doomed`)).toMatchObject({
        status: 404,
        body: { error: 'Not found' },
      });
      const next = await gridAdmin.post(`/v1/grids/${GRID}/nodes`, { name: 'heir' });
      expect(next.body.node_number).toBe(doomed.body.node_number);
      expect(
        (await member.get(`/v1/grids/${GRID}/nodes`)).body.nodes.map((n: { name: string }) => n.name),
      ).not.toContain('doomed');
    });

    it('answers health, stats and metrics of a node whose agent has not connected (more in telemetry.e2e-spec.ts)', async () => {
      expect(await member.get(`/v1/nodes/${GRID}/api-1/health`)).toMatchObject({
        status: 422,
        body: { error: { connection: 'Websocket is not connected' } },
      });
      expect(await member.get(`/v1/nodes/${GRID}/api-1/stats`)).toMatchObject({ status: 200, body: { stats: [] } });
      expect(await member.get(`/v1/nodes/${GRID}/api-1/metrics`)).toMatchObject({ status: 200, body: { stats: [] } });
      for (const what of ['health', 'stats', 'metrics']) {
        expect((await member.get(`/v1/nodes/${GRID}/nope/${what}`)).status).toBe(404);
      }
    });
  });

  describe('access', () => {
    const memberRoutes: [string, string, unknown?][] = [
      ['GET', `/v1/grids/${GRID}/nodes`],
      ['GET', `/v1/nodes/${GRID}/api-1`],
      ['PUT', `/v1/nodes/${GRID}/api-1`, { labels: ['hacked'] }],
      ['DELETE', `/v1/nodes/${GRID}/api-1`],
      ['GET', `/v1/nodes/${GRID}/api-1/health`],
      ['GET', `/v1/nodes/${GRID}/api-1/stats`],
      ['GET', `/v1/nodes/${GRID}/api-1/metrics`],
    ];
    const adminRoutes: [string, string, unknown?][] = [
      ['POST', `/v1/grids/${GRID}/nodes`, { name: 'sneaky' }],
      ['GET', `/v1/nodes/${GRID}/api-1/token`],
      ['PUT', `/v1/nodes/${GRID}/api-1/token`, {}],
      ['DELETE', `/v1/nodes/${GRID}/api-1/token`, {}],
    ];

    it('answers 401 without a valid bearer token', async () => {
      for (const [method, path, body] of [...memberRoutes, ...adminRoutes]) {
        for (const bearer of [null, 'not-a-token']) {
          const answer = await system.api.request(method, path, { body, token: bearer });
          expect({ method, path, status: answer.status, body: answer.body }).toEqual({
            method,
            path,
            status: 401,
            body: { error: 'invalid_token', error_description: 'Invalid token' },
          });
        }
      }
    });

    it('answers 403 to users outside the grid, and to members without grid_admin for creation and tokens', async () => {
      const before = await gridRevision();
      for (const [method, path, body] of [...memberRoutes, ...adminRoutes]) {
        const answer = await outsider.request(method, path, { body });
        expect({ method, path, status: answer.status, body: answer.body }).toEqual({
          method,
          path,
          status: 403,
          body: { error: 'Access denied' },
        });
      }
      for (const [method, path, body] of adminRoutes) {
        const answer = await member.request(method, path, { body });
        expect({ method, path, status: answer.status, body: answer.body }).toEqual({
          method,
          path,
          status: 403,
          body: { error: 'Access denied' },
        });
      }
      expect(await gridRevision()).toBe(before);
      expect((await admin.get(`/v1/nodes/${GRID}/api-1`)).body.labels).toEqual(['az=a']);
      expect((await admin.get(`/v1/nodes/${GRID}/sneaky`)).status).toBe(404);
    });

    it('answers 404 for unknown grids and nodes', async () => {
      for (const path of [
        '/v1/grids/no-grid/nodes',
        '/v1/nodes/no-grid/api-1',
        `/v1/nodes/${GRID}/no-node`,
        `/v1/nodes/${GRID}/NO:SUCH:AGENT`,
        `/v1/nodes/${GRID}/no-node/token`,
      ]) {
        const answer = await admin.get(path);
        expect({ path, status: answer.status, body: answer.body }).toEqual({
          path,
          status: 404,
          body: { error: 'Not found' },
        });
      }
      expect((await admin.put(`/v1/nodes/${GRID}/no-node`, { labels: [] })).status).toBe(404);
      expect((await admin.delete(`/v1/nodes/${GRID}/no-node`)).status).toBe(404);
      expect((await admin.post('/v1/grids/no-grid/nodes', { name: 'x' })).status).toBe(404);
    });
  });

  describe('agent registration (PUT /v1/nodes/:node_id)', () => {
    it('creates the node of an unknown agent that presents the grid token, and hands it its node token', async () => {
      const registered = await system.api.put(
        `/v1/nodes/${engineId(1)}`,
        { name: 'host-a', labels: ['region=eu'], ...info },
        gridToken(token),
      );
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({
        id: `${GRID}/host-a`,
        node_id: engineId(1),
        name: 'host-a',
        status: 'online',
        connected: true,
        updated: true,
        connected_at: ISO,
        last_seen_at: ISO,
        labels: ['region=eu'],
        ...info,
        node_number: expect.any(Number),
        overlay_ip: `10.81.0.${registered.body.node_number}`,
        initial_member: registered.body.node_number <= 2,
        grid: {
          id: GRID,
          name: GRID,
          initial_size: 2,
          subnet: '10.81.0.0/16',
          supernet: '10.80.0.0/12',
          trusted_subnets: [],
          stats: { statsd: null },
        },
        has_token: true,
        node_token: BASE64_TOKEN,
      });
      const { node_token: nodeTokenOfA, ...node } = registered.body;
      agentTokens.set(engineId(1), nodeTokenOfA);
      expect((await gridAdmin.get(`/v1/nodes/${GRID}/host-a/token`)).body.token).toBe(nodeTokenOfA);
      expect(system.logs().join('\n')).not.toContain(nodeTokenOfA);

      // From now on the agent uses its node token; doing so again changes nothing.
      const etag = registered.headers.get('etag');
      const again = await system.api.put(
        `/v1/nodes/${engineId(1)}`,
        { name: 'host-a', ...info },
        nodeToken(nodeTokenOfA),
      );
      expect(again.status).toBe(200);
      expect(again.body).toEqual(node);
      expect(again.headers.get('etag')).toBe(etag);
      const viaGrid = await system.api.put(`/v1/nodes/${engineId(1)}`, info, gridToken(token));
      expect([viaGrid.status, viaGrid.body.close_code]).toEqual([403, 4005]);

      const seen = await system.api.get(`/v1/nodes/${engineId(1)}`, nodeToken(nodeTokenOfA));
      expect([seen.status, seen.body]).toEqual([200, node]);
      expect((await member.get(`/v1/nodes/${GRID}/${engineId(1)}`)).body.name).toBe('host-a');
    });

    it('renames a new agent whose name is taken to <name>-<node_number>', async () => {
      const other = await system.api.put(
        `/v1/nodes/${engineId(2)}`,
        { name: 'host-a', private_ip: '192.168.66.11' },
        gridToken(token),
      );
      expect(other.status).toBe(201);
      expect(other.body.name).toBe(`host-a-${other.body.node_number}`);
      expect(other.body.node_token).not.toBe(agentTokens.get(engineId(1)));
      // Regions differ (`default` vs `eu`): peers are reached on their public ips (kontena-behaviour.md §7).
      expect(other.body.peer_ips).toEqual(['52.30.169.34']);
      expect((await member.get(`/v1/nodes/${GRID}/host-a`)).body.peer_ips).toEqual([]);
      await system.api.put(
        `/v1/nodes/${engineId(2)}`,
        { labels: ['from-engine'], public_ip: '52.30.169.35' },
        nodeToken(other.body.node_token),
      );
      expect((await member.get(`/v1/nodes/${GRID}/host-a`)).body.peer_ips).toEqual(['52.30.169.35']);
      // Labels from the engine only apply to a node without any.
      expect((await member.get(`/v1/nodes/${GRID}/${other.body.name}`)).body.labels).toEqual(['from-engine']);
      await system.api.put(
        `/v1/nodes/${engineId(1)}`,
        { labels: ['from-engine'] },
        nodeToken(agentTokens.get(engineId(1))!),
      );
      expect((await member.get(`/v1/nodes/${GRID}/host-a`)).body.labels).toEqual(['region=eu']);

      // Fully qualified host names are fine for agents.
      const fqdn = 'ip-10-0-0-6.eu-west-1.compute.internal';
      const dotted = await system.api.put(`/v1/nodes/${engineId(6)}`, { name: fqdn }, gridToken(token));
      expect([dotted.status, dotted.body.name]).toEqual([201, fqdn]);
      expect((await member.get(`/v1/nodes/${GRID}/${fqdn}`)).body.node_id).toBe(engineId(6));
    });

    it('refuses agents Kontena would have refused, with its close codes, and changes nothing', async () => {
      const before = await gridRevision();
      const cases: [string, object, object, number, unknown][] = [
        [engineId(9), { name: 'x' }, { token: null }, 401, { error: 'Missing token', close_code: 4004 }],
        [
          engineId(9),
          { name: 'x' },
          gridToken('not-the-grid-token'),
          401,
          { error: 'Invalid grid token', close_code: 4001 },
        ],
        [
          engineId(9),
          { name: 'x' },
          nodeToken('not-a-node-token'),
          401,
          { error: 'Invalid node token', close_code: 4002 },
        ],
        [engineId(9), {}, gridToken(token), 422, { error: { name: 'Name is required' } }],
        [
          engineId(9),
          { name: 'x', private_ip: 'not-an-ip' },
          gridToken(token),
          422,
          { error: { private_ip: "Private Ip isn't in the right format" } },
        ],
        [
          engineId(9),
          { name: 'x/y' },
          gridToken(token),
          422,
          { error: { name: "Name isn't in the right format" } },
        ],
        [
          engineId(9),
          { name: 'x' },
          { ...gridToken(token), headers: { 'kontena-grid-token': token, 'kontena-version': '9.9.0' } },
          400,
          { error: expect.stringContaining('agent version 9.9.0 is not compatible'), close_code: 4010 },
        ],
      ];
      for (const [id, body, options, status, error] of cases) {
        const answer = await system.api.put(`/v1/nodes/${id}`, body, options);
        expect({ body, status: answer.status, error: answer.body }).toEqual({ body, status, error });
      }
      const unauthorised = await system.api.put(`/v1/nodes/${engineId(9)}`, { name: 'x' }, { token: null });
      expect(unauthorised.headers.get('www-authenticate')).toContain('realm="kontena_master"');
      expect(await gridRevision()).toBe(before);
      expect(await system.api.get(`/v1/nodes/${engineId(9)}`, gridToken(token))).toMatchObject({
        status: 404,
        body: { error: 'Node not found' },
      });
      // Reading is refused the same way, and a bearer token is no substitute for the agent's headers.
      expect(await system.api.get(`/v1/nodes/${engineId(1)}`, gridToken('nope'))).toMatchObject({
        status: 401,
        body: { error: 'Invalid grid token', close_code: 4001 },
      });
      expect(await admin.get(`/v1/nodes/${engineId(1)}`)).toMatchObject({
        status: 401,
        body: { error: 'Missing token', close_code: 4004 },
      });
    });

    it('binds a node created with a token to the first agent that uses it, and refuses any other', async () => {
      await gridAdmin.post(`/v1/grids/${GRID}/nodes`, {
        name: 'bound',
        labels: ['az=b'],
        token: 'bound-node-token-0001',
      });
      const bound = await system.api.put(
        `/v1/nodes/${engineId(3)}`,
        { labels: ['ssd'], ...info },
        nodeToken('bound-node-token-0001'),
      );
      expect(bound.status).toBe(200);
      expect(bound.body).toMatchObject({
        name: 'bound',
        node_id: engineId(3),
        status: 'online',
        has_token: true,
        labels: ['az=b', 'ssd'],
      });

      const before = await gridRevision();
      const thief = await system.api.put(`/v1/nodes/${engineId(4)}`, {}, nodeToken('bound-node-token-0001'));
      expect([thief.status, thief.body]).toEqual([
        403,
        { error: 'Invalid node token, already used by a different node', close_code: 4003 },
      ]);
      const viaGrid = await system.api.put(`/v1/nodes/${engineId(3)}`, {}, gridToken(token));
      expect([viaGrid.status, viaGrid.body]).toEqual([
        403,
        { error: 'Invalid grid token, node was created using a node token', close_code: 4005 },
      ]);
      expect(await gridRevision()).toBe(before);

      // host-a's agent presenting another node's token: its agent node id already belongs to host-a.
      await gridAdmin.post(`/v1/grids/${GRID}/nodes`, { name: 'spare', token: 'spare-node-token-001' });
      const withSpare = await gridRevision();
      const squatter = await system.api.put(
        `/v1/nodes/${engineId(1)}`,
        {},
        nodeToken('spare-node-token-001'),
      );
      expect([squatter.status, squatter.body]).toEqual([
        409,
        { error: 'Invalid node ID, already used by a different node', close_code: 4006 },
      ]);
      expect(await gridRevision()).toBe(withSpare);
      expect((await member.get(`/v1/nodes/${GRID}/spare`)).body).toMatchObject({
        status: 'created',
        node_id: null,
      });

      const seen = await system.api.get(`/v1/nodes/${engineId(3)}`, nodeToken('bound-node-token-0001'));
      expect([seen.status, seen.body.name]).toEqual([200, 'bound']);
    });

    it('locks the agent out with the old token once the token is reset', async () => {
      await gridAdmin.post(`/v1/grids/${GRID}/nodes`, { name: 'rotated', token: 'rotated-token-000001' });
      expect(
        (await system.api.put(`/v1/nodes/${engineId(5)}`, info, nodeToken('rotated-token-000001'))).body
          .status,
      ).toBe('online');

      const reset = await gridAdmin.put(`/v1/nodes/${GRID}/rotated/token`, { reset_connection: true });
      expect(reset.status).toBe(200);
      expect((await member.get(`/v1/nodes/${GRID}/rotated`)).body).toMatchObject({
        status: 'offline',
        connected: false,
        disconnected_at: ISO,
      });

      const old = await system.api.put(`/v1/nodes/${engineId(5)}`, info, nodeToken('rotated-token-000001'));
      expect([old.status, old.body]).toEqual([401, { error: 'Invalid node token', close_code: 4002 }]);
      const fresh = await system.api.put(`/v1/nodes/${engineId(5)}`, info, nodeToken(reset.body.token));
      expect([fresh.status, fresh.body.status]).toEqual([200, 'online']);

      // Cleared token: the agent may come back with the grid token (API reference, "Clear node token"), and
      // leaves with a new node token: how an agent that lost its token is let back in.
      await gridAdmin.request('DELETE', `/v1/nodes/${GRID}/rotated/token`, {
        body: { reset_connection: true },
      });
      expect((await member.get(`/v1/nodes/${GRID}/rotated`)).body.status).toBe('offline');
      const viaGrid = await system.api.put(`/v1/nodes/${engineId(5)}`, info, gridToken(token));
      expect(viaGrid.body).toMatchObject({
        name: 'rotated',
        status: 'online',
        has_token: true,
        node_token: BASE64_TOKEN,
      });
      expect(viaGrid.status).toBe(200);
      expect((await gridAdmin.get(`/v1/nodes/${GRID}/rotated/token`)).body.token).toBe(
        viaGrid.body.node_token,
      );
      expect((await system.api.put(`/v1/nodes/${engineId(5)}`, info, gridToken(token))).status).toBe(403);
      expect(
        (await system.api.put(`/v1/nodes/${engineId(5)}`, info, nodeToken(viaGrid.body.node_token))).status,
      ).toBe(200);
    });

    it('gives 20 agents registering at once into one grid, through two api processes, the node numbers 1..20', async () => {
      const created = await admin.post('/v1/grids', { name: 'crowd', initial_size: 3 });
      const crowdToken = created.body.token;
      // A second api: the grid stream's expected-revision check, not the in-process queue, keeps numbers unique.
      const second = startApp('api', system.env);
      const listening = await second.waitForLog((line) => line.msg === 'api listening');
      const apis = [system.api, new ApiClient(String(listening.url).replace('[::1]', '127.0.0.1'))];
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          apis[i % 2].put(
            `/v1/nodes/CROWD:${String(i).padStart(4, '0')}`,
            { name: 'crowd-node', cpus: 1 },
            gridToken(crowdToken),
          ),
        ),
      ).finally(() => second.stop());
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
      const numbers = answers.map((a) => a.body.node_number).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(new Set(answers.map((a) => a.body.name)).size).toBe(20);
      expect(new Set(answers.map((a) => a.body.node_token)).size).toBe(20);
      for (const a of answers) {
        expect(a.body.initial_member).toBe(a.body.node_number <= 3);
        expect(a.body.overlay_ip).toBe(`10.81.0.${a.body.node_number}`);
      }
      const list = await admin.get('/v1/grids/crowd/nodes');
      expect(list.body.nodes).toHaveLength(20);

      const refused = await admin.delete('/v1/grids/crowd');
      expect([refused.status, refused.body]).toEqual([422, { error: { grid: 'Grid has nodes' } }]);
    }, 60_000);
  });

  it('documents the agent registration endpoint in the OpenAPI document', async () => {
    const doc = await system.api.get('/openapi.json', { token: null });
    const put = doc.body.paths['/v1/nodes/{node_id}'].put;
    expect(put.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['node_id', 'Kontena-Grid-Token', 'Kontena-Node-Token']),
    );
    expect(Object.keys(put.responses)).toEqual(
      expect.arrayContaining(['200', '201', '401', '403', '409', '422']),
    );
    expect(doc.body.paths['/v1/grids/{grid}/nodes'].post).toBeDefined();
  });
  // Last: it stops the projector.
  it("answers create, update and registration from the node's events when the read model lags behind", async () => {
    const lagging = startApp('api', { ...system.env, READ_YOUR_WRITES_TIMEOUT_MS: '0' });
    try {
      const listening = await lagging.waitForLog((line) => line.msg === 'api listening');
      const url = String(listening.url).replace('[::1]', '127.0.0.1');
      const asGridAdmin = new ApiClient(url, gridAdmin.token);
      await system.apps.get('projector')!.stop();

      const created = await asGridAdmin.post(`/v1/grids/${GRID}/nodes`, {
        name: 'while-lagging',
        labels: ['x=1'],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: `${GRID}/while-lagging`,
        labels: ['x=1'],
        status: 'created',
        has_token: true,
        created_at: ISO,
      });
      expect((await asGridAdmin.get(`/v1/nodes/${GRID}/while-lagging`)).status).toBe(404); // the read model has not seen it

      const updated = await asGridAdmin.put(`/v1/nodes/${GRID}/api-1`, { labels: ['seen-at-once'] });
      expect([updated.status, updated.body.labels, updated.body.name]).toEqual([
        200,
        ['seen-at-once'],
        'api-1',
      ]);

      const agent = await new ApiClient(url).put(
        `/v1/nodes/${engineId(7)}`,
        { name: 'late-host', ...info },
        gridToken(token),
      );
      expect(agent.status).toBe(201);
      expect(agent.body).toMatchObject({
        name: 'late-host',
        node_id: engineId(7),
        status: 'online',
        connected: true,
        ...info,
      });
    } finally {
      await lagging.stop();
    }
  }, 60_000);
});
