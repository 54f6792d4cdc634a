import { ApiClient, RunningSystem, startSystem, userWith } from '@libs/testing';

/**
 * The authorization matrix (issue 3): every route of the api's OpenAPI document against each kind of
 * caller. Who may call what follows kontena-behaviour.md §1 and §8, with the public reference's codes:
 * 401 without a valid token, 403 without the rights. A route missing from the policy table fails the test,
 * so a new route has to say who may call it.
 */
type Level =
  | 'public' // no token needed
  | 'agent' // node agents' own credentials (grid or node token headers), never a user's bearer token
  | 'user' // any authenticated user
  | 'member' // member of the grid (master_admin reaches every grid)
  | 'grid_admin' // grid_admin role and member of the grid, or master_admin
  | 'grid_users_admin' // user_admin or grid_admin, member of the grid, or master_admin
  | 'user_admin'
  | 'master_admin';

const POLICY: [RegExp, Level][] = [
  [/^GET \/$/, 'public'],
  [/^GET \/v1\/ping$/, 'public'],
  [/^GET \/health$/, 'public'],
  [/^POST \/oauth2\/token$/, 'public'],
  [/^GET \/(authenticate|cb)$/, 'public'],
  [/^(GET|PUT) \/v1\/nodes\/\{node_id\}$/, 'agent'],
  // A node agent's pods and its instances' secrets: that node's token only (issue 4).
  [/^GET \/v1\/nodes\/\{grid\}\/\{node\}\/(service_pods|secrets)$/, 'agent'],
  [/^GET \/v1\/user$/, 'user'],
  [/^GET \/v1\/grids$/, 'user'],
  [/ \/oauth2\/(authorize|tokens)/, 'user'],
  [/^GET \/v1\/users$/, 'user_admin'],
  [/^DELETE \/v1\/users\/\{email\}$/, 'user_admin'],
  [/ \/v1\/users\/\{email\}\/roles/, 'master_admin'],
  [/^(POST \/v1\/grids|DELETE \/v1\/grids\/\{grid\})$/, 'master_admin'],
  [/ \/v1\/config/, 'master_admin'],
  [/^GET \/v1\/audit_logs$/, 'master_admin'],
  [/^PUT \/v1\/grids\/\{grid\}$/, 'grid_admin'],
  [/^POST \/v1\/grids\/\{grid\}\/nodes$/, 'grid_admin'],
  [/ \/v1\/nodes\/\{grid\}\/\{node\}\/token$/, 'grid_admin'],
  [/^(POST|DELETE) \/v1\/grids\/\{grid\}\/users/, 'grid_users_admin'],
  // Everything else under a grid needs only membership (kontena-behaviour.md §1: no per-verb roles).
  [/\{grid\}/, 'member'],
];

type Caller = 'anonymous' | 'outsider' | 'member' | 'gridAdmin' | 'userAdmin' | 'admin';
const ALLOWED: Record<Exclude<Level, 'public' | 'agent'>, Caller[]> = {
  user: ['outsider', 'member', 'gridAdmin', 'userAdmin', 'admin'],
  member: ['member', 'gridAdmin', 'userAdmin', 'admin'],
  grid_admin: ['gridAdmin', 'admin'],
  grid_users_admin: ['gridAdmin', 'userAdmin', 'admin'],
  user_admin: ['userAdmin', 'admin'],
  master_admin: ['admin'],
};

const GRID = 'matrix';

/** Path parameters: the test's grid, and names that do not exist so an allowed call changes nothing. */
function pathFor(route: string): string {
  // Removing the test's grid would end the test: the allowed caller gets 404 for a grid that is not there.
  if (route === 'DELETE /v1/grids/{grid}') return '/v1/grids/not-this-grid';
  return route
    .split(' ')[1]
    .replace('{grid}', GRID)
    .replace('{email}', 'nobody@example.com')
    .replace(/\{[a-z_]+\}/g, 'nope');
}

describe('authorization matrix: every route against every kind of caller', () => {
  let system: RunningSystem;
  let callers: Record<Caller, ApiClient>;
  let routes: string[];

  beforeAll(async () => {
    system = await startSystem();
    expect((await system.admin.post('/v1/grids', { name: GRID })).status).toBe(201);
    const [outsider, member, gridAdmin, userAdmin] = await Promise.all([
      userWith(system, { email: 'outsider@example.com' }),
      userWith(system, { email: 'member@example.com', grids: [GRID] }),
      userWith(system, { email: 'grid-admin@example.com', roles: ['grid_admin'], grids: [GRID] }),
      userWith(system, { email: 'user-admin@example.com', roles: ['user_admin'], grids: [GRID] }),
    ]);
    callers = {
      anonymous: system.api.as(undefined),
      outsider: outsider.api,
      member: member.api,
      gridAdmin: gridAdmin.api,
      userAdmin: userAdmin.api,
      admin: system.admin,
    };
    const doc = (await system.api.get('/openapi.json', { token: null })).body as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
  }, 120_000);
  afterAll(() => system?.stop(), 30_000);

  it('classifies every route', () => {
    expect(routes.length).toBeGreaterThan(90);
    const unclassified = routes.filter((route) => !POLICY.some(([pattern]) => pattern.test(route)));
    expect(unclassified).toEqual([]);
  });

  it('answers 401 without a token, 403 without the rights, and lets the right callers through', async () => {
    const wrong: string[] = [];
    // Destructive calls last, so that what earlier rows rely on (config, tokens) is still there.
    const ordered = [...routes].sort((a, b) => Number(a.startsWith('DELETE')) - Number(b.startsWith('DELETE')));
    for (const route of ordered) {
      const level = POLICY.find(([pattern]) => pattern.test(route))![1];
      const method = route.split(' ')[0];
      const path = pathFor(route);
      for (const [caller, api] of Object.entries(callers) as [Caller, ApiClient][]) {
        const answer = await api.request(method, path, method === 'GET' || method === 'DELETE' ? {} : { body: {} });
        let expected: string;
        if (level === 'public') expected = 'not 401/403';
        else if (level === 'agent') expected = '401';
        else if (caller === 'anonymous') expected = '401';
        else expected = ALLOWED[level].includes(caller) ? 'not 401/403' : '403';
        // 501 is the Let's Encrypt placeholders' answer to callers who may use them.
        const ok =
          (answer.status < 500 || answer.status === 501) &&
          (expected === 'not 401/403' ? answer.status !== 401 && answer.status !== 403 : answer.status === Number(expected));
        if (!ok) wrong.push(`${route} as ${caller}: expected ${expected}, got ${answer.status} ${answer.text.slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 240_000);
});
