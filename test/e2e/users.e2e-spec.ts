import { RunningSystem, startSystem, TestUser, userWith } from '@libs/testing';

const ROLE = {
  master_admin: { name: 'master_admin', description: 'Master admin' },
  grid_admin: { name: 'grid_admin', description: 'Grid admin' },
  user_admin: { name: 'user_admin', description: 'Invite and remove users' },
};

describe('users, roles and grid users over HTTP', () => {
  let system: RunningSystem;
  let plain: TestUser;
  let userAdmin: TestUser;

  beforeAll(async () => {
    system = await startSystem();
    expect((await system.admin.post('/v1/grids', { name: 'alpha' })).status).toBe(201);
    plain = await userWith(system, { email: 'plain@example.com', name: 'Plain', grids: ['alpha'] });
    userAdmin = await userWith(system, { email: 'ua@example.com', roles: ['user_admin'] });
  }, 60_000);
  afterAll(() => system?.stop());

  describe('GET /v1/users', () => {
    it('lists every user for user_admins and master_admins', async () => {
      for (const api of [system.admin, userAdmin.api]) {
        const answer = await api.get('/v1/users');
        expect(answer.status).toBe(200);
        expect(answer.body.users).toEqual(
          expect.arrayContaining([
            { id: expect.stringMatching(/^[a-f0-9]{24}$/), email: 'admin', name: 'admin', roles: [ROLE.master_admin] },
            { id: plain.id, email: 'plain@example.com', name: 'Plain', roles: [] },
            { id: userAdmin.id, email: 'ua@example.com', name: null, roles: [ROLE.user_admin] },
          ]),
        );
      }
    });

    it("refuses everyone else with Kontena's 403, and a missing token with 401", async () => {
      const refused = await plain.api.get('/v1/users');
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: 'Operation not allowed' });
      expect((await system.api.get('/v1/users', { token: null })).status).toBe(401);
    });
  });

  it('GET /v1/user answers the caller', async () => {
    expect((await plain.api.get('/v1/user')).body).toEqual({ id: plain.id, email: 'plain@example.com', name: 'Plain', roles: [] });
  });

  describe('roles', () => {
    it('adds a role (master_admin) and answers 201 with the user', async () => {
      const user = await userWith(system, { email: 'role1@example.com' });
      const answer = await system.admin.post('/v1/users/role1@example.com/roles', { role: 'grid_admin' });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({ id: user.id, email: 'role1@example.com', name: null, roles: [ROLE.grid_admin] });
      // Roles take effect on the user's very next request.
      expect((await user.api.get('/v1/user')).body.roles).toEqual([ROLE.grid_admin]);
    });

    it("validates the role with Kontena's messages and changes nothing", async () => {
      const unknown = await system.admin.post('/v1/users/plain@example.com/roles', { role: 'foo_admin' });
      expect(unknown.status).toBe(422);
      expect(unknown.body).toEqual({ error: { role: "Role 'foo_admin' not found" } });
      const missing = await system.admin.post('/v1/users/plain@example.com/roles', {});
      expect(missing.status).toBe(422);
      expect(missing.body).toEqual({ error: { role: 'Role is required' } });
      expect((await plain.api.get('/v1/user')).body.roles).toEqual([]);
    });

    it('is for master_admins only, about users that exist', async () => {
      const refused = await userAdmin.api.post('/v1/users/plain@example.com/roles', { role: 'user_admin' });
      expect(refused.status).toBe(403);
      expect((await plain.api.get('/v1/user')).body.roles).toEqual([]);
      expect(await system.admin.post('/v1/users/nobody@example.com/roles', { role: 'user_admin' })).toMatchObject({ status: 404, body: { error: 'Not found' } });
      expect((await system.api.post('/v1/users/plain@example.com/roles', { role: 'user_admin' }, { token: null })).status).toBe(401);
    });

    it('removes a role and answers 200 with the user', async () => {
      await userWith(system, { email: 'role2@example.com', roles: ['grid_admin', 'user_admin'] });
      const answer = await system.admin.delete('/v1/users/role2@example.com/roles/grid_admin');
      expect(answer.status).toBe(200);
      expect(answer.body.roles).toEqual([ROLE.user_admin]);
      const unknown = await system.admin.delete('/v1/users/role2@example.com/roles/foo_admin');
      expect(unknown.status).toBe(422);
      expect(unknown.body).toEqual({ error: { role: "Role 'foo_admin' not found" } });
      expect((await userAdmin.api.delete('/v1/users/role2@example.com/roles/user_admin')).status).toBe(403);
      expect((await system.admin.delete('/v1/users/nobody@example.com/roles/user_admin')).status).toBe(404);
    });

    it('keeps the local admin a master_admin', async () => {
      const answer = await system.admin.delete('/v1/users/admin/roles/master_admin');
      expect(answer.status).toBe(422);
      expect(answer.body).toEqual({ error: { role: 'Cannot remove master_admin role from the local admin' } });
      expect((await system.admin.get('/v1/user')).body.roles).toEqual([ROLE.master_admin]);
    });
  });

  describe('DELETE /v1/users/:email', () => {
    it('removes a user with their tokens and grid memberships', async () => {
      const leaving = await userWith(system, { email: 'leaving@example.com', grids: ['alpha'] });
      const second = await system.admin.post('/oauth2/authorize', { response_type: 'token', scope: 'user', user: 'leaving@example.com', expires_in: 3600 });
      expect((await system.admin.get('/v1/grids/alpha/users')).body.users.map((u: { email: string }) => u.email)).toContain('leaving@example.com');

      const answer = await userAdmin.api.delete('/v1/users/leaving@example.com');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({});
      expect((await system.admin.get('/v1/users')).body.users.map((u: { email: string }) => u.email)).not.toContain('leaving@example.com');
      expect((await system.admin.get('/v1/grids/alpha/users')).body.users.map((u: { email: string }) => u.email)).not.toContain('leaving@example.com');
      for (const token of [leaving.token, second.body.access_token]) {
        expect((await system.api.get('/v1/user', { token })).status).toBe(401);
      }
      // The refresh token went with its access token.
      expect((await system.api.post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: second.body.refresh_token }, { token: null })).status).toBe(404);
      // Each clean-up is an event in its own stream, so it shows in the audit log.
      const events = (await system.admin.get('/v1/audit_logs?limit=20')).body.logs.map((l: { resource_type: string; event_name: string }) => `${l.resource_type} ${l.event_name}`);
      expect(events).toEqual(expect.arrayContaining(['User unassign user', 'AccessToken revoke', 'User delete']));
    });

    it("refuses to remove oneself or the local admin with Kontena's 400, and changes nothing", async () => {
      const self = await userAdmin.api.delete('/v1/users/ua@example.com');
      expect(self.status).toBe(400);
      expect(self.body).toEqual({ error: { user: 'Cannot remove itself' } });
      const admin = await userAdmin.api.delete('/v1/users/admin');
      expect(admin.status).toBe(400);
      expect(admin.body).toEqual({ error: { user: 'Cannot remove the local admin' } });
      expect((await userAdmin.api.get('/v1/user')).status).toBe(200);
    });

    it('is for user_admins only, about users that exist', async () => {
      const refused = await plain.api.delete('/v1/users/ua@example.com');
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: 'Operation not allowed' });
      expect((await userAdmin.api.get('/v1/user')).status).toBe(200);
      expect(await system.admin.delete('/v1/users/nobody@example.com')).toMatchObject({ status: 404, body: { error: 'Not found' } });
      expect((await system.api.delete('/v1/users/plain@example.com', { token: null })).status).toBe(401);
    });
  });

  describe('grid users', () => {
    let gridAdmin: TestUser;
    beforeAll(async () => {
      expect((await system.admin.post('/v1/grids', { name: 'beta' })).status).toBe(201);
      gridAdmin = await userWith(system, { email: 'ga@example.com', roles: ['grid_admin'], grids: ['beta'] });
      await userWith(system, { email: 'member@example.com', grids: ['beta'] });
    }, 30_000);

    const emails = (answer: { body: { users: { email: string }[] } }) => answer.body.users.map((u) => u.email).sort();

    it('lists the users of a grid to its members', async () => {
      const answer = await plain.api.get('/v1/grids/alpha/users');
      expect(answer.status).toBe(200);
      expect(answer.body.users).toContainEqual({ id: plain.id, email: 'plain@example.com', name: 'Plain', roles: [] });
      expect(emails(answer)).toEqual(['admin', 'plain@example.com']);
      expect(await plain.api.get('/v1/grids/beta/users')).toMatchObject({ status: 403, body: { error: 'Access denied' } });
      expect(await system.admin.get('/v1/grids/nope/users')).toMatchObject({ status: 404, body: { error: 'Not found' } });
      expect((await system.api.get('/v1/grids/alpha/users', { token: null })).status).toBe(401);
    });

    it("adds a user (the grid's grid_admin) and answers 201 with the grid's users", async () => {
      const answer = await gridAdmin.api.post('/v1/grids/beta/users', { email: 'plain@example.com' });
      expect(answer.status).toBe(201);
      expect(emails(answer)).toEqual(['admin', 'ga@example.com', 'member@example.com', 'plain@example.com']);
      expect((await plain.api.get('/v1/grids/beta')).status).toBe(200);
    });

    it('lets user_admins add users, but not members without a role', async () => {
      await userWith(system, { email: 'ua2@example.com', roles: ['user_admin'], grids: ['alpha'] });
      const refused = await plain.api.post('/v1/grids/alpha/users', { email: 'member@example.com' });
      expect(refused.status).toBe(403);
      expect(emails(await system.admin.get('/v1/grids/alpha/users'))).not.toContain('member@example.com');
    });

    it('answers 404 "User not found" for an unknown user', async () => {
      for (const body of [{ email: 'nobody@example.com' }, {}]) {
        const answer = await gridAdmin.api.post('/v1/grids/beta/users', body);
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual({ error: 'User not found' });
      }
      expect((await gridAdmin.api.delete('/v1/grids/beta/users/nobody@example.com')).body).toEqual({ error: 'User not found' });
    });

    it("removes a user and answers 200 with the grid's users; Kontena's refusals for others", async () => {
      const answer = await gridAdmin.api.delete('/v1/grids/beta/users/member@example.com');
      expect(answer.status).toBe(200);
      expect(emails(answer)).not.toContain('member@example.com');

      const notThere = await gridAdmin.api.delete('/v1/grids/beta/users/member@example.com');
      expect(notThere.status).toBe(422);
      expect(notThere.body).toEqual({ error: { user: 'Invalid user' } });
      expect((await plain.api.delete('/v1/grids/beta/users/ga@example.com')).status).toBe(403);
    });

    it('never removes the last user of a grid', async () => {
      expect((await system.admin.post('/v1/grids', { name: 'gamma' })).status).toBe(201);
      const answer = await system.admin.delete('/v1/grids/gamma/users/admin');
      expect(answer.status).toBe(422);
      expect(answer.body).toEqual({ error: { grid: 'Cannot remove last user' } });
      expect(emails(await system.admin.get('/v1/grids/gamma/users'))).toEqual(['admin']);
    });
  });
});
