import type { RoleName } from '@libs/domain';
import { FakeOAuth2Provider, startFakeOAuth2Provider } from './fake-oauth2-provider';
import type { ApiClient, HttpAnswer, RunningSystem } from './system';

export interface TestUser {
  email: string;
  id: string;
  /** A non-expiring `user`-scoped access token. */
  token: string;
  /** The api, as this user. */
  api: ApiClient;
}

export interface TestUserOptions {
  email: string;
  name?: string;
  /** master_admin, grid_admin, user_admin. */
  roles?: RoleName[];
  /** Names of existing grids the user becomes a member of. */
  grids?: string[];
}

const providers = new WeakMap<RunningSystem, Promise<FakeOAuth2Provider>>();

function expect2xx(what: string, answer: HttpAnswer): HttpAnswer {
  if (answer.status < 200 || answer.status > 299) throw new Error(`${what} failed: ${answer.status} ${answer.text}`);
  return answer;
}

/**
 * The system's auth provider: a fake one (see `startFakeOAuth2Provider`) started on first use and configured
 * through PATCH /v1/config as the initial admin. Users exist only by invitation, and invites need a provider
 * (kontena-behaviour.md §8). It stops with the system.
 */
export function identityProvider(system: RunningSystem): Promise<FakeOAuth2Provider> {
  let provider = providers.get(system);
  if (!provider) {
    provider = (async () => {
      const fake = await startFakeOAuth2Provider();
      expect2xx('configuring the auth provider', await system.admin.patch('/v1/config', fake.masterConfig(system.api.baseUrl)));
      const stop = system.stop.bind(system);
      system.stop = async () => {
        await fake.close();
        await stop();
      };
      return fake;
    })();
    providers.set(system, provider);
  }
  return provider;
}

/**
 * A logged-in user with the given roles and grid memberships, made only through public routes as the
 * initial admin: invite (POST /oauth2/authorize `invite`), a token minted for them (`token` with `user`),
 * POST /v1/users/:email/roles, POST /v1/grids/:grid/users. For e2e tests that need a non-admin caller.
 */
export async function userWith(system: RunningSystem, options: TestUserOptions): Promise<TestUser> {
  const { email, name, roles = [], grids = [] } = options;
  await identityProvider(system);
  expect2xx(`inviting ${email}`, await system.admin.post('/oauth2/authorize', { response_type: 'invite', email, ...(name ? { username: name } : {}) }));
  const minted = expect2xx(`a token for ${email}`, await system.admin.post('/oauth2/authorize', { response_type: 'token', scope: 'user', user: email }));
  for (const role of roles) {
    expect2xx(`giving ${email} ${role}`, await system.admin.post(`/v1/users/${encodeURIComponent(email)}/roles`, { role }));
  }
  for (const grid of grids) {
    expect2xx(`adding ${email} to grid ${grid}`, await system.admin.post(`/v1/grids/${encodeURIComponent(grid)}/users`, { email }));
  }
  const token = minted.body.access_token as string;
  return { email, id: minted.body.user.id as string, token, api: system.api.as(token) };
}
