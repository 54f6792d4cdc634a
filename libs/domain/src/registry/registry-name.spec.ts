import fc from 'fast-check';
import { registryName } from './registry-name';

describe('registry name', () => {
  it.each([
    ['https://registry.example.com/', 'registry.example.com'],
    ['https://registry.example.com', 'registry.example.com'],
    ['http://registry.example.com/v2/', 'registry.example.com'],
    ['https://registry.example.com:5000/', 'registry.example.com:5000'],
    ['http://registry.example.com:5000', 'registry.example.com:5000'],
    // Kontena drops 80 and 443 whatever the scheme.
    ['http://registry.example.com:443/', 'registry.example.com'],
    ['https://registry.example.com:80/', 'registry.example.com'],
    ['https://bot:pw@registry.example.com:8443/x', 'registry.example.com:8443'],
    ['https://10.0.0.1:5000', '10.0.0.1:5000'],
    ['https://[::1]:5000', '[::1]:5000'],
    ['https://Registry.Example.COM', 'registry.example.com'],
  ])('%s is named %s', (url, name) => {
    expect(registryName(url)).toBe(name);
  });

  it.each([
    'registry.example.com',
    'ftp://registry.example.com',
    'https://',
    'https://a b',
    'https://:5000',
    'https://host:99999',
    '',
  ])('%j has no name', (url) => {
    expect(registryName(url)).toBeUndefined();
  });

  it('never throws, whatever the input (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.string().map((s) => `https://${s}`),
        ),
        (url) => {
          const name = registryName(url);
          expect(name === undefined || name.length > 0).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is the host, plus the port unless it is 80 or 443 (property)', () => {
    const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
    const path = fc.constantFrom('', '/', '/v2/', '/some/path?x=1');
    fc.assert(
      fc.property(fc.constantFrom('http', 'https'), fc.domain(), port, path, (scheme, host, p, rest) => {
        const url = `${scheme}://${host}${p === undefined ? '' : `:${p}`}${rest}`;
        const expected =
          p === undefined || p === 80 || p === 443 ? host.toLowerCase() : `${host.toLowerCase()}:${p}`;
        expect(registryName(url)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
