import { ApiClient, RunningSystem } from '@libs/testing';
import { gridCallers } from './support/grid-callers';

type Route = [method: string, path: string, body?: object];

/** Every Let's Encrypt route of kontena-behaviour.md §1, with a body Kontena's mutation would accept. */
const routes = (grid: string): Route[] => [
  ['GET', `/v1/grids/${grid}/certificates`],
  ['POST', `/v1/grids/${grid}/certificates`, { domains: ['www.example.com'] }],
  ['GET', `/v1/grids/${grid}/domain_authorizations`],
  ['POST', `/v1/grids/${grid}/domain_authorizations`, { domain: 'www.example.com' }],
  ['POST', `/v1/certificates/${grid}/register`, { email: 'ops@example.com' }],
  ['POST', `/v1/certificates/${grid}/authorize`, { domain: 'www.example.com' }],
  ['POST', `/v1/certificates/${grid}/certificate`, { secret_name: 'WWW', domains: ['www.example.com'] }],
  ['GET', `/v1/certificates/${grid}/www.example.com`],
  ['GET', `/v1/certificates/${grid}/www.example.com/export`],
  ['PUT', `/v1/certificates/${grid}/www.example.com`, { certificate: 'PEM', private_key: 'PEM' }],
  ['DELETE', `/v1/certificates/${grid}/www.example.com`],
  ['GET', `/v1/domain_authorizations/${grid}/www.example.com`],
  ['DELETE', `/v1/domain_authorizations/${grid}/www.example.com`],
];

const NOT_IMPLEMENTED = { error: "Not implemented: Let's Encrypt certificates are not supported yet" };

describe("Let's Encrypt placeholders over HTTP", () => {
  let system: RunningSystem;
  let member: ApiClient;
  let outsider: ApiClient;

  beforeAll(async () => {
    ({ system, member, outsider } = await gridCallers('acme'));
  }, 60_000);
  afterAll(() => system?.stop(), 30_000);

  const send = (client: ApiClient, [method, path, body]: Route, token?: string | null) =>
    client.request(method, path, { token, body });

  it('answers 501 with a clear body on every route for a grid member', async () => {
    for (const route of routes('acme')) {
      const answer = await send(member, route);
      expect({ route, status: answer.status, body: answer.body }).toEqual({
        route,
        status: 501,
        body: NOT_IMPLEMENTED,
      });
    }
  });

  it("checks input first, with Kontena's messages", async () => {
    const cases: [string, string, object, object][] = [
      ['POST', '/v1/grids/acme/certificates', {}, { domains: 'Domains is required' }],
      [
        'POST',
        '/v1/grids/acme/certificates',
        { domains: 'www.example.com' },
        { domains: "Domains isn't an array" },
      ],
      [
        'POST',
        '/v1/grids/acme/domain_authorizations',
        { domain: 'x', authorization_type: 'smtp' },
        { authorization_type: "Authorization Type isn't an option" },
      ],
      ['POST', '/v1/certificates/acme/register', {}, { email: 'Email is required' }],
      ['POST', '/v1/certificates/acme/certificate', { secret_name: 'W' }, { domains: 'Domains is required' }],
      [
        'PUT',
        '/v1/certificates/acme/www.example.com',
        { certificate: 'PEM' },
        { private_key: 'Private Key is required' },
      ],
    ];
    for (const [method, path, body, error] of cases) {
      const answer = await member.request(method, path, { body });
      expect({ path, body, status: answer.status, error: answer.body }).toEqual({
        path,
        body,
        status: 422,
        error: { error },
      });
    }
  });

  it('still answers 401, 403 and 404 before the 501', async () => {
    for (const route of routes('acme')) {
      expect({ route, status: (await send(system.api, route, null)).status }).toEqual({ route, status: 401 });
      const denied = await send(outsider, route);
      expect({ route, status: denied.status, body: denied.body }).toEqual({
        route,
        status: 403,
        body: { error: 'Access denied' },
      });
    }
    for (const route of routes('nope')) {
      const missing = await send(system.admin, route);
      expect({ route, status: missing.status, body: missing.body }).toEqual({
        route,
        status: 404,
        body: { error: 'Not found' },
      });
    }
  });
});
