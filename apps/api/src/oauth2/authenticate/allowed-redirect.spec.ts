import fc from 'fast-check';
import { finalRedirect } from '../callback/callback.http';
import { allowedRedirect } from './authenticate.http';

describe('sign-in redirects', () => {
  it("allows only the client's localhost and this server's /code page (authenticate_api.rb)", () => {
    for (const uri of ['http://localhost:5177/cb', 'http://localhost/', 'https://localhost:1/x?y=1', '/code', '/code?x=1']) expect({ uri, ok: allowedRedirect(uri) }).toEqual({ uri, ok: true });
    for (const uri of ['http://evil.example.com/cb', 'http://localhost.evil.example.com/', '//evil.example.com/code', '/\\evil.example.com/code', '/elsewhere', 'code', 'javascript:alert(1)', 'http://127.0.0.1:5177/cb', ''])
      expect({ uri, ok: allowedRedirect(uri) }).toEqual({ uri, ok: false });
  });

  it('never allows an absolute URL to another host', () => {
    fc.assert(fc.property(fc.webUrl(), (url) => expect(allowedRedirect(url)).toBe(new URL(url).hostname === 'localhost')));
  });

  it('puts the code in the query for localhost, replacing it, and in the fragment for /code', () => {
    expect(finalRedirect('http://localhost:5177/cb?old=1#frag', 'abc', 'master')).toBe('http://localhost:5177/cb?code=abc&server_name=master#frag');
    expect(finalRedirect('/code', 'abc', 'master')).toBe('/code#code=abc&server_name=master');
    expect(finalRedirect('/code?x=1#old', 'abc', 'master')).toBe('/code?x=1#code=abc&server_name=master');
  });
});
