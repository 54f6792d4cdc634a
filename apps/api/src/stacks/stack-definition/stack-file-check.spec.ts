import type { ReadModels } from '../../platform/read-models';
import { StackFileCheck } from './stack-file-check';

/** Read models holding only the given documents (`<type>:<id>`). */
const readModels = (...docs: string[]) =>
  ({
    reader: { doc: async (type: string, id: string) => (docs.includes(`${type}:${id}`) ? {} : undefined) },
  }) as unknown as ReadModels;

describe('stack file checks', () => {
  const check = new StackFileCheck(readModels('volume:g/shared-data'));

  it('accepts external volumes that exist in the grid', async () => {
    expect(await check.volumeErrors('g', [{ name: 'data', external: 'shared-data' }])).toBeUndefined();
    expect(await check.volumeErrors('g', [])).toBeUndefined();
  });

  it("refuses missing and non-external volumes, keyed by the stack's name for them", async () => {
    expect(
      await check.volumeErrors('g', [
        { name: 'vol1', external: 'foo' },
        { name: 'vol2' },
        { name: 'data', external: 'shared-data' },
      ]),
    ).toEqual({
      volumes: {
        vol1: { external: 'External volume foo not found' },
        vol2: 'Only external volumes supported',
      },
    });
    // A volume of another grid does not count.
    expect(await check.volumeErrors('other', [{ name: 'data', external: 'shared-data' }])).toEqual({
      volumes: { data: { external: 'External volume shared-data not found' } },
    });
  });

  it('wants services, and an exposed service among them', () => {
    expect(check.noServices([])).toEqual({ services: 'stack does not specify any services' });
    expect(check.noServices([{ name: 'a' }])).toBeUndefined();
    expect(check.exposeError('b', [{ name: 'a' }])).toEqual({
      expose: 'b is not defined in the services array',
    });
    expect(check.exposeError('a', [{ name: 'a' }])).toBeUndefined();
    expect(check.exposeError(undefined, [{ name: 'a' }])).toBeUndefined();
  });
});
