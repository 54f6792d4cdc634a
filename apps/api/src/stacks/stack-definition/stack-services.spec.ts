import fc from 'fast-check';
import { SERVICE_DEFAULTS } from '@libs/domain';
import type { ServiceDoc } from '@libs/read-model';
import type { CommandExecutor } from '../../platform/command-executor';
import type { ReadModels } from '../../platform/read-models';
import { ServiceReferences } from '../../services/service-definition/service-references';
import { StackServices } from './stack-services';

const readModels = {
  reader: { doc: async () => undefined, docs: async () => [], ids: async () => [] },
} as unknown as ReadModels;
const stackServices = new StackServices(new ServiceReferences(readModels), readModels, {} as CommandExecutor);
const existing = {
  ...SERVICE_DEFAULTS,
  id: 'g/web/db',
  grid: 'g',
  stack: 'web',
  name: 'db',
  image: 'pg',
  stateful: true,
  volumes: [],
} as unknown as ServiceDoc;

describe('planning a stack file', () => {
  it('creates new services and updates existing ones, in link order', async () => {
    const planned = await stackServices.plan(
      'g',
      'web',
      [
        { name: 'api', image: 'api:1', stateful: false, links: [{ name: 'db', alias: 'db' }] },
        { name: 'db', image: 'pg:17', stateful: true },
      ],
      [],
      [existing],
    );
    expect(planned).toEqual({
      order: [expect.objectContaining({ name: 'db' }), expect.objectContaining({ name: 'api' })],
      plans: [
        { kind: 'update', name: 'db', changes: { image: 'pg:17' } },
        {
          kind: 'create',
          name: 'api',
          definition: expect.objectContaining({ image: 'api:1', links: [{ name: 'web/db', alias: 'db' }] }),
        },
      ],
    });
  });

  it('nests each service error under its name and checks updates against the service', async () => {
    const planned = await stackServices.plan(
      'g',
      'web',
      [
        { name: 'db', image: 'pg:17', stateful: true, volumes: ['/new'] },
        { name: 'api', image: 'api:1' },
        { image: 'nameless' },
      ],
      [],
      [existing],
    );
    expect(planned).toEqual({
      errors: {
        db: { volumes: ['Adding a new anonymous volume (/new) to a stateful service is not supported'] },
        api: { stateful: 'Stateful is required' },
        2: { name: 'Name is required', stateful: 'Stateful is required' },
      },
    });
  });

  it('never throws on arbitrary service lists: it answers errors or plans (property)', async () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.string({ maxLength: 5 }),
      fc.constantFrom('db', 'api', '/data', 'vol:/v'),
    );
    const link = fc.oneof(value, fc.record({ name: value, alias: value }, { requiredKeys: [] }));
    const service = fc.record(
      {
        name: fc.oneof(fc.constantFrom('db', 'api', 'web'), value),
        image: value,
        stateful: value,
        links: fc.oneof(value, fc.array(link, { maxLength: 3 })),
        volumes: fc.oneof(value, fc.array(value, { maxLength: 2 })),
        instances: value,
        stack: value,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(service, { maxLength: 4 }), async (services) => {
        const planned = await stackServices.plan('g', 'web', services, [], [existing]);
        if ('errors' in planned) expect(Object.keys(planned.errors).length).toBeGreaterThan(0);
        else expect(planned.plans.length).toBe(services.length);
      }),
      { numRuns: 200 },
    );
  });
});
