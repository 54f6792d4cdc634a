import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Someone with an account at the provider. */
export interface ProviderAccount {
  id: string | number;
  login: string;
  email: string;
}

/** What the master sent to the provider's token endpoint: tests check the client secret arrived opened. */
export interface TokenRequestSeen {
  client_id?: string;
  client_secret?: string;
  code?: string;
  redirect_uri?: string;
  grant_type?: string;
}

export interface FakeOAuth2Provider {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The person at the browser: who the next `/authorize` signs in (none → the provider refuses). */
  signInAs(account: ProviderAccount | undefined): void;
  /** The master's config keys (§8) for this provider, with `server.root_url` pointing at the api. */
  masterConfig(rootUrl: string): Record<string, string>;
  readonly tokenRequests: TokenRequestSeen[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Record<string, string>> {
  let text = '';
  for await (const chunk of request) text += chunk;
  if (!text) return {};
  if ((request.headers['content-type'] ?? '').includes('json')) return JSON.parse(text) as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(text));
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * A tiny OAuth2 provider for tests (authorization code grant): `/authorize` signs in whoever `signInAs` names
 * and sends the browser back with a code, `/token` exchanges the code once for an access token (checking the
 * client's id and secret), `/userinfo` tells who holds that token, GitHub-style (`id`, `login`, `email`).
 */
export async function startFakeOAuth2Provider(): Promise<FakeOAuth2Provider> {
  const clientId = `client-${randomBytes(4).toString('hex')}`;
  const clientSecret = `secret-${randomBytes(12).toString('hex')}`;
  const codes = new Map<string, ProviderAccount>();
  const tokens = new Map<string, ProviderAccount>();
  const tokenRequests: TokenRequestSeen[] = [];
  let current: ProviderAccount | undefined;

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://provider');
      if (url.pathname === '/authorize') {
        const redirect = url.searchParams.get('redirect_uri');
        if (url.searchParams.get('client_id') !== clientId || !redirect) return json(response, 400, { error: 'invalid_client' });
        const back = new URL(redirect);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        if (current) {
          const code = randomBytes(8).toString('hex');
          codes.set(code, current);
          back.searchParams.set('code', code);
        } else {
          back.searchParams.set('error', 'access_denied');
        }
        response.writeHead(302, { location: back.toString() }).end();
      } else if (url.pathname === '/token' && request.method === 'POST') {
        const body = await readBody(request);
        tokenRequests.push(body);
        const account = body.code ? codes.get(body.code) : undefined;
        if (body.client_id !== clientId || body.client_secret !== clientSecret || !account) return json(response, 400, { error: 'invalid_grant' });
        codes.delete(body.code!);
        const token = randomBytes(16).toString('hex');
        tokens.set(token, account);
        json(response, 200, { access_token: token, token_type: 'bearer', scope: 'user:email' });
      } else if (url.pathname === '/userinfo') {
        const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
        const account = token ? tokens.get(token) : undefined;
        if (!account) return json(response, 401, { error: 'invalid_token' });
        json(response, 200, { ...account, plan: { id: 1, name: 'free' } });
      } else {
        json(response, 404, { error: 'not_found' });
      }
    })().catch((error: unknown) => json(response, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    clientId,
    clientSecret,
    tokenRequests,
    signInAs: (account) => (current = account),
    masterConfig: (rootUrl) => ({
      'oauth2.client_id': clientId,
      'oauth2.client_secret': clientSecret,
      'oauth2.authorize_endpoint': `${url}/authorize`,
      'oauth2.token_endpoint': `${url}/token`,
      'oauth2.userinfo_endpoint': `${url}/userinfo`,
      'oauth2.userinfo_scope': 'user:email',
      'server.root_url': rootUrl,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The api keeps connections alive; they would hold `close` open.
        server.closeAllConnections();
      }),
  };
}
