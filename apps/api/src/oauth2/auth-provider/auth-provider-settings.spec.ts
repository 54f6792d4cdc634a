import { authorizeUrl, authProviderSettings, callbackUrl } from './auth-provider-settings';

const required = {
  'oauth2.client_id': 'id',
  'oauth2.client_secret': 'secret',
  'oauth2.authorize_endpoint': 'https://p.example.com/oauth/authorize',
  'oauth2.token_endpoint': 'https://p.example.com/oauth/token',
  'oauth2.userinfo_endpoint': 'https://p.example.com/user',
  'server.root_url': 'https://master.example.com:8181',
};

describe('auth provider settings (services/auth_provider.rb)', () => {
  it("fills in Kontena's defaults", () => {
    expect(authProviderSettings(required)).toEqual({
      clientId: 'id',
      clientSecret: 'secret',
      authorizeEndpoint: 'https://p.example.com/oauth/authorize',
      tokenEndpoint: 'https://p.example.com/oauth/token',
      userinfoEndpoint: 'https://p.example.com/user',
      rootUrl: 'https://master.example.com:8181',
      tokenMethod: 'post',
      tokenPostContentType: 'application/json',
      codeRequiresBasicAuth: false,
      userinfoScope: 'user:email',
      userinfoRequiresBasicAuth: false,
      usernamePath: '$..username;$..login',
      emailPath: '$..email;$..emails;$..primary_email',
      userIdPath: '$..id;$..uid;$..userid,$..user_id',
    });
  });

  it('takes the optional settings as configured', () => {
    const settings = authProviderSettings({ ...required, 'oauth2.token_method': 'GET', 'oauth2.code_requires_basic_auth': true, 'oauth2.userinfo_scope': 'openid' });
    expect(settings).toMatchObject({ tokenMethod: 'get', codeRequiresBasicAuth: true, userinfoScope: 'openid' });
  });

  it('is not configured while a required key is missing or blank', () => {
    for (const key of Object.keys(required)) {
      expect(authProviderSettings({ ...required, [key]: undefined as never })).toBeUndefined();
      expect(authProviderSettings({ ...required, [key]: '  ' })).toBeUndefined();
    }
  });

  it('sends the browser to the provider with the callback at <root_url>/cb', () => {
    const settings = authProviderSettings(required)!;
    expect(callbackUrl(settings)).toBe('https://master.example.com:8181/cb');
    expect(callbackUrl({ ...settings, rootUrl: 'https://m.example.com/kontena/' })).toBe('https://m.example.com/kontena/cb');
    const url = new URL(authorizeUrl(settings, 'st'));
    expect(url.origin + url.pathname).toBe('https://p.example.com/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({ response_type: 'code', client_id: 'id', scope: 'user:email', state: 'st', redirect_uri: 'https://master.example.com:8181/cb' });
  });
});
