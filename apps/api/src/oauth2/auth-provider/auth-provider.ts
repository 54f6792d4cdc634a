import { Injectable, Logger } from '@nestjs/common';
import { MasterConfig } from '../../config-api/master-config';
import { AuthProviderSettings, authProviderSettings, callbackUrl } from './auth-provider-settings';
import { jsonPathFirst } from './json-path';

/** What the provider says about the user who signed in. */
export interface ProviderUser {
  id: string | null;
  username: string | null;
  email: string | null;
}

const REQUEST_TIMEOUT_MS = 10_000;

const basic = (settings: AuthProviderSettings) => `Basic ${Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64')}`;

async function parseBody(response: Response): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) return response.json();
  if (type.includes('urlencoded')) return Object.fromEntries(new URLSearchParams(await response.text()));
  return undefined;
}

/**
 * Talks to the external OAuth2 provider (kontena-behaviour.md §8): exchanges the code the browser brought back
 * for the provider's access token, then asks who that is. Failures are logged without the code, the client
 * secret or the provider's token, and answered as "no answer".
 */
@Injectable()
export class AuthProvider {
  private readonly logger = new Logger(AuthProvider.name);

  constructor(private readonly config: MasterConfig) {}

  async settings(): Promise<AuthProviderSettings | undefined> {
    return authProviderSettings(await this.config.values());
  }

  async exchangeCode(settings: AuthProviderSettings, code: string): Promise<string | undefined> {
    const params = { grant_type: 'authorization_code', code, client_id: settings.clientId, client_secret: settings.clientSecret, redirect_uri: callbackUrl(settings) };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (settings.codeRequiresBasicAuth) headers.authorization = basic(settings);
    const url = new URL(settings.tokenEndpoint);
    let body: string | undefined;
    if (settings.tokenMethod === 'get') {
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    } else {
      headers['content-type'] = settings.tokenPostContentType;
      body = settings.tokenPostContentType.includes('json') ? JSON.stringify(params) : new URLSearchParams(params).toString();
    }
    const answer = await this.call('token', () =>
      fetch(url, { method: settings.tokenMethod.toUpperCase(), headers, body, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
    );
    const token = answer && typeof answer === 'object' ? (answer as Record<string, unknown>).access_token : undefined;
    return typeof token === 'string' && token !== '' ? token : undefined;
  }

  async userInfo(settings: AuthProviderSettings, accessToken: string): Promise<ProviderUser | undefined> {
    const url = new URL(settings.userinfoEndpoint);
    url.pathname = url.pathname.replace(/:access_token/g, encodeURIComponent(accessToken));
    const headers: Record<string, string> = { accept: 'application/json' };
    headers.authorization = settings.userinfoRequiresBasicAuth ? basic(settings) : `Bearer ${accessToken}`;
    const answer = await this.call('userinfo', () => fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }));
    if (answer === undefined) return undefined;
    const pick = (paths: string) => {
      const value = jsonPathFirst(answer, paths);
      return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
    };
    return { id: pick(settings.userIdPath), username: pick(settings.usernamePath), email: pick(settings.emailPath) };
  }

  private async call(what: 'token' | 'userinfo', request: () => Promise<Response>): Promise<unknown> {
    try {
      const response = await request();
      if (!response.ok) {
        this.logger.warn({ status: response.status }, `auth provider ${what} request was refused`);
        return undefined;
      }
      return await parseBody(response);
    } catch (error) {
      this.logger.warn({ reason: error instanceof Error ? error.name : 'unknown' }, `auth provider ${what} request failed`);
      return undefined;
    }
  }
}
