import { FakeOAuth2Provider, identityProvider, RunningSystem, startApp, startSystem, TestUser, userWith } from '@libs/testing';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OAuth2 over HTTP', () => {
  let system: RunningSystem;
  let alice: TestUser;

  beforeAll(async () => {
    system = await startSystem();
  }, 60_000);
  afterAll(() => system?.stop());

  /** A GET that does not follow redirects: the sign-in steps are 302s. */
  const hop = (url: string, token?: string) => fetch(url, { redirect: 'manual', headers: token ? { authorization: `Bearer ${token}` } : {} });

  describe('before an auth provider is configured', () => {
    it('answers invites and /authenticate with 501', async () => {
      const invite = await system.admin.post('/oauth2/authorize', { response_type: 'invite', email: 'x@example.com' });
      expect(invite.status).toBe(501);
      expect(invite.body).toEqual({ error: 'server_error', error_description: 'Authentication provider not configured' });
      const authenticate = await system.api.get('/authenticate?redirect_uri=http://localhost:1234/cb', { token: null });
      expect(authenticate.status).toBe(501);
      expect(authenticate.body.error).toBe('server_error');
    });
  });

  describe('POST /oauth2/authorize', () => {
    beforeAll(async () => {
      alice = await userWith(system, { email: 'alice@example.com', name: 'Alice' });
    }, 30_000);

    it("mints a non-expiring token in Kontena's JSON", async () => {
      const answer = await alice.api.post('/oauth2/authorize', { response_type: 'token', scope: 'user', description: 'ci' });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        id: expect.any(String),
        token_type: 'bearer',
        access_token: expect.stringMatching(/^[a-f0-9]{64}$/),
        refresh_token: null,
        access_token_last_four: answer.body.access_token.slice(-4),
        refresh_token_last_four: null,
        expires_in: null,
        scopes: 'user',
        description: 'ci',
        user: { id: alice.id, email: 'alice@example.com', name: 'Alice' },
        server: { name: 'kontena-es' },
      });
      expect((await system.api.get('/v1/user', { token: answer.body.access_token })).body.email).toBe('alice@example.com');
    });

    it('makes a token with expires_in > 0 refreshable, also from a form body', async () => {
      const answer = await alice.api.request('POST', '/oauth2/authorize', {
        body: 'response_type=token&scope=user&expires_in=3600',
        raw: true,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(answer.status).toBe(201);
      expect(answer.body.refresh_token).toMatch(/^[a-f0-9]{128}$/);
      expect(answer.body.expires_in).toBeGreaterThan(3590);
      expect(answer.body.expires_in).toBeLessThanOrEqual(3600);
    });

    it('mints a single-use authorization code', async () => {
      const answer = await alice.api.post('/oauth2/authorize', { response_type: 'code', scope: 'user', description: 'login' });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        id: expect.any(String),
        grant_type: 'authorization_code',
        code: expect.stringMatching(/^[a-f0-9]{32}$/),
        scopes: 'user',
        description: 'login',
        user: { id: alice.id, email: 'alice@example.com', name: 'Alice' },
        server: { name: 'kontena-es' },
      });
      const exchange = () => system.api.post('/oauth2/token', { grant_type: 'authorization_code', code: answer.body.code }, { token: null });
      const first = await exchange();
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ token_type: 'bearer', scopes: 'user', description: 'login', user: { email: 'alice@example.com' } });
      const again = await exchange();
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ error: 'invalid_request', error_description: 'authorization_code' });
    });

    it('lets master_admins mint for another user, and nobody else', async () => {
      const minted = await system.admin.post('/oauth2/authorize', { response_type: 'token', scope: 'user', user: 'alice@example.com' });
      expect(minted.status).toBe(201);
      expect(minted.body.user.email).toBe('alice@example.com');
      const refused = await alice.api.post('/oauth2/authorize', { response_type: 'token', scope: 'user', user: 'admin' });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('access_denied');
      const unknown = await system.admin.post('/oauth2/authorize', { response_type: 'token', scope: 'user', user: 'nobody@example.com' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toBe('not_found');
    });

    it('checks scopes (kontena-behaviour.md §8) and never mints more than the caller holds', async () => {
      const cases: [object, number, object][] = [
        [{ response_type: 'token' }, 400, { error: 'invalid_scope', error_description: null }],
        [{ response_type: 'token', scope: 'admin' }, 400, { error: 'invalid_request', error_description: 'Invalid scope' }],
        [{ response_type: 'token', scope: 'user,owner' }, 400, { error: 'invalid_request', error_description: 'Invalid scope' }],
        [{ response_type: 'token', scope: 'user', expires_in: 'soon' }, 400, { error: 'invalid_request', error_description: "Expires In isn't an integer" }],
        [{ response_type: 'implicit', scope: 'user' }, 400, { error: 'unsupported_response_type', error_description: 'Unsupported response type. Supported: code, token, invite' }],
        [{}, 400, { error: 'invalid_request', error_description: null }],
      ];
      for (const [body, status, error] of cases) {
        const answer = await alice.api.post('/oauth2/authorize', body);
        expect({ body, status: answer.status, error: answer.body }).toEqual({ body, status, error });
      }
      // The initial admin's token has both scopes, so it may mint an owner token.
      expect((await system.admin.post('/oauth2/authorize', { response_type: 'token', scope: 'user,owner' })).body.scopes).toBe('user,owner');
      expect((await alice.api.get('/oauth2/tokens')).body.tokens.every((t: { scopes: string }) => t.scopes === 'user')).toBe(true);
    });

    it('needs a token with scope user (401 without a valid one, 403 without the scope)', async () => {
      const anonymous = await system.api.post('/oauth2/authorize', { response_type: 'token', scope: 'user' }, { token: null });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('invalid_token');
      expect((await system.api.post('/oauth2/authorize', { response_type: 'token', scope: 'user' }, { token: 'nope' })).status).toBe(401);
      const ownerOnly = await system.admin.post('/oauth2/authorize', { response_type: 'token', scope: 'owner' });
      const refused = await system.api.post('/oauth2/authorize', { response_type: 'token', scope: 'owner' }, { token: ownerOnly.body.access_token });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: 'access_denied', error_description: null });
    });
  });

  describe('expiry and refresh', () => {
    it('answers an expired token with 401 "Token expired", and its refresh token gives a 7200 s token once', async () => {
      const short = await alice.api.post('/oauth2/authorize', { response_type: 'token', scope: 'user', expires_in: 1, description: 'short' });
      expect(short.status).toBe(201);
      await sleep(1_200);
      const expired = await system.api.get('/v1/user', { token: short.body.access_token });
      expect(expired.status).toBe(401);
      expect(expired.body).toEqual({ error: 'invalid_token', error_description: 'Token expired' });
      expect(expired.headers.get('www-authenticate')).toContain('error_description="Token expired"');

      const refresh = () => system.api.post('/oauth2/token', { grant_type: 'refresh_token', refresh_token: short.body.refresh_token }, { token: null });
      const refreshed = await refresh();
      expect(refreshed.status).toBe(201);
      expect(refreshed.body).toMatchObject({ token_type: 'bearer', description: 'short', scopes: 'user', refresh_token: expect.stringMatching(/^[a-f0-9]{128}$/) });
      expect(refreshed.body.expires_in).toBeGreaterThan(7190);
      expect(refreshed.body.expires_in).toBeLessThanOrEqual(7200);
      expect((await system.api.get('/v1/user', { token: refreshed.body.access_token })).status).toBe(200);

      expect(await refresh()).toMatchObject({ status: 404, body: { error: 'invalid_request', error_description: 'refresh_token' } });
      // The replaced token is gone for good.
      expect((await system.api.get('/v1/user', { token: short.body.access_token })).body.error_description).toBe('Invalid token');
    });

    it('answers the token endpoint form-encoded unless the client speaks JSON', async () => {
      const code = await alice.api.post('/oauth2/authorize', { response_type: 'code', scope: 'user', expires_in: 600 });
      const response = await fetch(`${system.api.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=authorization_code&code=${code.body.code}&state=s1`,
      });
      expect(response.status).toBe(201);
      const form = new URLSearchParams(await response.text());
      expect(form.get('state')).toBe('s1');
      expect(form.get('access_token')).toMatch(/^[a-f0-9]{64}$/);
      expect(form.get('refresh_token')).toMatch(/^[a-f0-9]{128}$/);
      expect(Number(form.get('expires_in'))).toBeGreaterThan(590);
      expect(form.get('username')).toBe('Alice');
    });
  });

  describe('/oauth2/tokens', () => {
    let bob: TestUser;
    beforeAll(async () => {
      bob = await userWith(system, { email: 'bob@example.com' });
    }, 30_000);

    it("lists the caller's own tokens without their secrets", async () => {
      const answer = await bob.api.get('/oauth2/tokens');
      expect(answer.status).toBe(200);
      expect(answer.body.tokens).toEqual([
        expect.objectContaining({ token_type: 'bearer', access_token: null, refresh_token: null, access_token_last_four: bob.token.slice(-4), user: expect.objectContaining({ email: 'bob@example.com' }) }),
      ]);
      expect((await system.api.get('/oauth2/tokens', { token: null })).status).toBe(401);
    });

    it('shows one token, by id or by its value, to its owner and master_admins', async () => {
      const [mine] = (await bob.api.get('/oauth2/tokens')).body.tokens;
      for (const key of [mine.id, bob.token]) {
        const answer = await bob.api.get(`/oauth2/tokens/${key}`);
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual(mine);
      }
      expect((await system.admin.get(`/oauth2/tokens/${mine.id}`)).status).toBe(200);
      const refused = await alice.api.get(`/oauth2/tokens/${mine.id}`);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('access_denied');
      expect(await bob.api.get('/oauth2/tokens/no-such-token')).toMatchObject({ status: 404, body: { error: 'Not found' } });
    });

    it('revokes a token with 201 and an empty body; it stops working at once', async () => {
      const extra = await bob.api.post('/oauth2/authorize', { response_type: 'token', scope: 'user' });
      expect((await alice.api.delete(`/oauth2/tokens/${extra.body.id}`)).status).toBe(403);
      expect((await system.api.get('/v1/user', { token: extra.body.access_token })).status).toBe(200);

      const answer = await bob.api.delete(`/oauth2/tokens/${extra.body.id}`);
      expect(answer.status).toBe(201);
      expect(answer.text).toBe('');
      expect((await system.api.get('/v1/user', { token: extra.body.access_token })).status).toBe(401);
      expect((await bob.api.delete(`/oauth2/tokens/${extra.body.id}`)).status).toBe(404);
      expect((await bob.api.get('/oauth2/tokens')).body.tokens.map((t: { id: string }) => t.id)).not.toContain(extra.body.id);
    });
  });

  describe('invites and sign-in through the provider', () => {
    let provider: FakeOAuth2Provider;
    let userAdmin: TestUser;
    const CLIENT = 'http://localhost:5177/cb';

    beforeAll(async () => {
      provider = await identityProvider(system);
      userAdmin = await userWith(system, { email: 'ua@example.com', roles: ['user_admin'] });
    }, 30_000);

    /** /authenticate → provider → /cb → the client's redirect: each hop checked, the last location returned. */
    const signIn = async (query: string, token?: string) => {
      const start = await hop(`${system.api.baseUrl}/authenticate?${query}`, token);
      expect(start.status).toBe(302);
      const atProvider = await hop(start.headers.get('location')!);
      expect(atProvider.status).toBe(302);
      return hop(atProvider.headers.get('location')!);
    };

    it('invites a user (user_admin) with a code and a link', async () => {
      const answer = await userAdmin.api.post('/oauth2/authorize', { response_type: 'invite', email: 'carol@example.com', username: 'Carol' });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({ email: 'carol@example.com', invite_code: expect.stringMatching(/^[a-f0-9]{12}$/), link: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/j\/[a-f0-9]{12}$/) });
      expect((await system.admin.get('/v1/users')).body.users).toContainEqual({ id: expect.any(String), email: 'carol@example.com', name: 'Carol', roles: [] });

      const refused = await alice.api.post('/oauth2/authorize', { response_type: 'invite', email: 'dave@example.com' });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('access_denied');
      const invalid = await userAdmin.api.post('/oauth2/authorize', { response_type: 'invite', email: 'not-an-email' });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toEqual({ error: 'invalid_request', error_description: "Email isn't in the right format" });
      expect((await system.admin.get('/v1/users')).body.users.map((u: { email: string }) => u.email)).not.toContain('dave@example.com');
    });

    it('refuses unsafe redirects and unknown invite codes at /authenticate', async () => {
      const cases: [string, number, string][] = [
        ['', 400, 'Missing redirect_uri'],
        ['redirect_uri=http://evil.example.com/cb', 400, 'Invalid redirect_uri'],
        ['redirect_uri=//evil.example.com/code', 400, 'Invalid redirect_uri'],
        ['redirect_uri=/elsewhere', 400, 'Invalid redirect_uri'],
        [`redirect_uri=${CLIENT}&invite_code=0123456789ab`, 403, 'Invalid invite code'],
      ];
      for (const [query, status, description] of cases) {
        const answer = await system.api.get(`/authenticate?${query}`, { token: null });
        expect({ query, status: answer.status, description: answer.body.error_description }).toEqual({ query, status, description });
      }
    });

    it('sends the browser to the provider with a state and the callback', async () => {
      const start = await hop(`${system.api.baseUrl}/authenticate?redirect_uri=${encodeURIComponent(CLIENT)}`);
      expect(start.status).toBe(302);
      const location = new URL(start.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(`${provider.url}/authorize`);
      expect(Object.fromEntries(location.searchParams)).toEqual({
        response_type: 'code',
        client_id: provider.clientId,
        scope: 'user:email',
        state: expect.stringMatching(/^[a-f0-9]{64}$/),
        redirect_uri: `${system.api.baseUrl}/cb`,
      });
    });

    it('signs an invited user in: provider round trip, a single-use code, then a token', async () => {
      const invite = await system.admin.post('/oauth2/authorize', { response_type: 'invite', email: 'erin@example.com' });
      // Whoever holds the invite claims it, even with another email at the provider (callback_api.rb).
      provider.signInAs({ id: 4242, login: 'erin-gh', email: 'erin@users.example.net' });
      const back = await signIn(`redirect_uri=${encodeURIComponent(CLIENT)}&invite_code=${invite.body.invite_code}&expires_in=900`);
      expect(back.status).toBe(302);
      const location = new URL(back.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(CLIENT);
      expect(location.searchParams.get('server_name')).toBe('kontena-es');
      const code = location.searchParams.get('code')!;

      // The master used the provider with its (sealed) client secret, opened.
      expect(provider.tokenRequests.at(-1)).toMatchObject({ client_id: provider.clientId, client_secret: provider.clientSecret, redirect_uri: `${system.api.baseUrl}/cb` });

      const token = await system.api.post('/oauth2/token', { grant_type: 'authorization_code', code }, { token: null });
      expect(token.status).toBe(201);
      expect(token.body).toMatchObject({ scopes: 'user', user: { email: 'erin@example.com', name: 'erin-gh' } });
      expect(token.body.expires_in).toBeGreaterThan(890);
      expect((await system.api.get('/v1/user', { token: token.body.access_token })).body).toMatchObject({ email: 'erin@example.com', name: 'erin-gh' });
      expect((await system.api.post('/oauth2/token', { grant_type: 'authorization_code', code }, { token: null })).status).toBe(404);

      // The invite is spent; the provider identity now finds the user without it.
      const reused = await system.api.get(`/authenticate?redirect_uri=${encodeURIComponent(CLIENT)}&invite_code=${invite.body.invite_code}`, { token: null });
      expect(reused.status).toBe(403);
      const again = await signIn(`redirect_uri=${encodeURIComponent(CLIENT)}`);
      expect(again.status).toBe(302);
      expect(new URL(again.headers.get('location')!).searchParams.get('code')).toMatch(/^[a-f0-9]{32}$/);
    });

    it('matches an invited user by email, and puts the code in the fragment for /code', async () => {
      await system.admin.post('/oauth2/authorize', { response_type: 'invite', email: 'frank@example.com' });
      provider.signInAs({ id: 'f-1', login: 'frank', email: 'frank@example.com' });
      const back = await signIn('redirect_uri=/code');
      expect(back.status).toBe(302);
      expect(back.headers.get('location')).toMatch(/^\/code#code=[a-f0-9]{32}&server_name=kontena-es$/);
      const page = await fetch(`${system.api.baseUrl}/code`);
      expect(page.headers.get('content-type')).toContain('text/html');
    });

    it('refuses people who were never invited, and a provider identity claiming the local admin', async () => {
      provider.signInAs({ id: 'stranger', login: 'stranger', email: 'stranger@example.com' });
      const stranger = await signIn(`redirect_uri=${encodeURIComponent(CLIENT)}`);
      expect(stranger.status).toBe(403);
      expect(await stranger.json()).toEqual({ error: 'Access denied' });
      expect((await system.admin.get('/v1/users')).body.users.map((u: { email: string }) => u.email)).not.toContain('stranger@example.com');

      provider.signInAs({ id: 'adm', login: 'admin', email: 'admin' });
      expect((await signIn(`redirect_uri=${encodeURIComponent(CLIENT)}`)).status).toBe(400);
    });

    it('answers broken callbacks: provider errors 502, missing or replayed state 400', async () => {
      const error = await system.api.get('/cb?error=access_denied&error_description=nope', { token: null });
      expect(error.status).toBe(502);
      expect(error.body).toEqual({ error: 'The authorization server returned an error: access_denied nope' });
      expect(await system.api.get('/cb?code=x', { token: null })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });

      provider.signInAs({ id: 'f-1', login: 'frank', email: 'frank@example.com' });
      const start = await hop(`${system.api.baseUrl}/authenticate?redirect_uri=${encodeURIComponent(CLIENT)}`);
      const callback = (await hop(start.headers.get('location')!)).headers.get('location')!;
      expect((await hop(callback)).status).toBe(302);
      expect((await hop(callback)).status).toBe(400);
    });

    it("renews a user's login from their token, even an expired one (Kontena's allow_expired)", async () => {
      await system.admin.post('/oauth2/authorize', { response_type: 'invite', email: 'gina@example.com' });
      const short = await system.admin.post('/oauth2/authorize', { response_type: 'token', scope: 'user', user: 'gina@example.com', expires_in: 1 });
      provider.signInAs({ id: 'gina-elsewhere', login: 'gina', email: 'gina@elsewhere.example.net' });
      expect((await signIn(`redirect_uri=${encodeURIComponent(CLIENT)}`)).status).toBe(403);
      await sleep(1_200);
      expect((await system.api.get('/v1/user', { token: short.body.access_token })).status).toBe(401);

      const back = await signIn(`redirect_uri=${encodeURIComponent(CLIENT)}`, short.body.access_token);
      expect(back.status).toBe(302);
      const code = new URL(back.headers.get('location')!).searchParams.get('code');
      const token = await system.api.post('/oauth2/token', { grant_type: 'authorization_code', code }, { token: null });
      expect(token.body.user.email).toBe('gina@example.com');
    });

    it('forgets provider links when the provider configuration changes (§8)', async () => {
      // Erin's provider email is not her email here: once her link is forgotten, only a new invite lets her in.
      expect((await system.admin.patch('/v1/config', { 'oauth2.userinfo_scope': 'user:email read:org' })).status).toBe(201);
      provider.signInAs({ id: 4242, login: 'erin-gh', email: 'erin@users.example.net' });
      const back = await signIn(`redirect_uri=${encodeURIComponent(CLIENT)}`);
      expect(back.status).toBe(403);
    });
  });

  it('limits the token endpoint per client (429 too_many_requests)', async () => {
    // A second api on the same event store and Redis, so the system's own api keeps its limit.
    const limited = startApp('api', { ...system.env, TOKEN_RATE_LIMIT: '3' });
    try {
      const url = String((await limited.waitForLog((line) => line.msg === 'api listening')).url);
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 5; i++) {
        last = await fetch(`${url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'nope' }) });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([404, 404, 404, 429, 429]);
      expect(await last!.json()).toEqual({ error: 'too_many_requests' });
    } finally {
      await limited.stop();
    }
  });
});
