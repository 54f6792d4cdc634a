import type { ReadModels } from '../../platform/read-models';
import { ServiceReferences } from './service-references';

const readModels = (docs: Record<string, object>) =>
  ({ reader: { doc: async (type: string, id: string) => docs[`${type}:${id}`] } }) as unknown as ReadModels;

describe('service references', () => {
  const references = new ServiceReferences(
    readModels({
      'stack:g/web': { volumes: [{ name: 'data', external: 'web-data' }] },
      'service:g/web/db': {},
      'service:g/null/cache': {},
      'secret:g/PW': {},
    }),
  );

  it('accepts links, secrets that exist', async () => {
    expect(
      await references.errors('g', 'web', {
        links: [
          { name: 'db', alias: 'db' },
          { name: 'null/cache', alias: 'c' },
        ],
        secrets: [{ secret: 'PW', name: 'P' }],
      }),
    ).toBeUndefined();
  });

  it('lists only the failing entries, with Kontena messages', async () => {
    expect(
      await references.errors('g', 'web', {
        links: [
          { name: 'db', alias: 'db' },
          { name: 'nope', alias: 'n' },
          { name: 'ghost/x', alias: 'x' },
        ],
        secrets: [
          { secret: 'PW', name: 'P' },
          { secret: 'NOPE', name: 'N' },
        ],
        certificates: [{ subject: 'example.com', name: 'SSL_CERTS' }],
      }),
    ).toEqual({
      links: ['Service web/nope does not exist', 'Link ghost/x points to non-existing stack'],
      secrets: ['Secret NOPE does not exist'],
      certificates: ['Certificate example.com does not exist'],
    });
  });

  it('leaves links within the stack to the stack when asked', async () => {
    expect(
      await references.errors('g', 'web', { links: [{ name: 'later', alias: 'l' }] }, false),
    ).toBeUndefined();
    expect(
      await references.errors('g', 'web', { links: [{ name: 'web/later', alias: 'l' }] }, false),
    ).toEqual({ links: ['Service web/later does not exist'] });
  });

  it("resolves named volumes through the stack's external volumes", async () => {
    const inStack = await references.volumeResolver('g', 'web');
    expect(inStack('data')).toBe('web-data');
    expect(inStack('other')).toBe('other');
    expect((await references.volumeResolver('g', 'null'))('data')).toBe('data');
  });
});
