import type { ConfigValue } from '@libs/domain';

/** The external OAuth2 provider users sign in with, from config keys `oauth2.*` and `server.root_url` (§8). */
export interface AuthProviderSettings {
  clientId: string;
  clientSecret: string;
  authorizeEndpoint: string;
  tokenEndpoint: string;
  tokenMethod: 'post' | 'get';
  tokenPostContentType: string;
  codeRequiresBasicAuth: boolean;
  userinfoEndpoint: string;
  userinfoScope: string;
  userinfoRequiresBasicAuth: boolean;
  usernamePath: string;
  emailPath: string;
  userIdPath: string;
  rootUrl: string;
}

const text = (value: ConfigValue | undefined): string | undefined => {
  if (value === undefined || typeof value === 'object') return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
};

/**
 * Kontena's `AuthProvider` (services/auth_provider.rb): the settings with their defaults, or `undefined` while
 * a required one is missing (then the provider routes answer 501).
 */
export function authProviderSettings(config: Record<string, ConfigValue>): AuthProviderSettings | undefined {
  const get = (key: string) => text(Object.prototype.hasOwnProperty.call(config, key) ? config[key] : undefined);
  const required = {
    clientId: get('oauth2.client_id'),
    clientSecret: get('oauth2.client_secret'),
    authorizeEndpoint: get('oauth2.authorize_endpoint'),
    tokenEndpoint: get('oauth2.token_endpoint'),
    userinfoEndpoint: get('oauth2.userinfo_endpoint'),
    rootUrl: get('server.root_url'),
  };
  if (Object.values(required).some((v) => v === undefined)) return undefined;
  return {
    ...(required as { [K in keyof typeof required]: string }),
    tokenMethod: get('oauth2.token_method')?.toLowerCase() === 'get' ? 'get' : 'post',
    tokenPostContentType: get('oauth2.token_post_content_type') ?? 'application/json',
    codeRequiresBasicAuth: get('oauth2.code_requires_basic_auth') === 'true',
    userinfoScope: get('oauth2.userinfo_scope') ?? 'user:email',
    userinfoRequiresBasicAuth: get('oauth2.userinfo_requires_basic_auth') === 'true',
    usernamePath: get('oauth2.userinfo_username_jsonpath') ?? '$..username;$..login',
    emailPath: get('oauth2.userinfo_email_jsonpath') ?? '$..email;$..emails;$..primary_email',
    userIdPath: get('oauth2.userinfo_user_id_jsonpath') ?? '$..id;$..uid;$..userid,$..user_id',
  };
}

/** Where the provider sends the browser back: `<root_url>/cb`, resolved as a URL (`URI.join`). */
export function callbackUrl(settings: AuthProviderSettings): string {
  return new URL('cb', settings.rootUrl).toString();
}

/** The provider's authorization URL for one sign-in, carrying its `state`. */
export function authorizeUrl(settings: AuthProviderSettings, state: string): string {
  const url = new URL(settings.authorizeEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    scope: settings.userinfoScope,
    state,
    redirect_uri: callbackUrl(settings),
  }).toString();
  return url.toString();
}
