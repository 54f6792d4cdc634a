import type { RecordedEnvelope } from '@libs/eventstore';
import { crossIndexes, gridIndexes, ReadModelReader } from '@libs/read-model';
import { servicesAffectedBy } from './affected-services';

const envelope = (streamName: string, type: string, data: object = {}): RecordedEnvelope => ({
  id: 'e',
  streamName,
  revision: 0n,
  position: { commit: 1n, prepare: 1n },
  created: new Date(),
  event: { type, data },
  metadata: {
    actor: { kind: 'system', component: 'test' },
    occurredAt: '2026-11-22T12:00:00.000Z',
    schemaVersion: 1,
  },
});

const indexes: Record<string, string[]> = {
  [gridIndexes.services('g')]: ['g/null/a', 'g/web/b'],
  [crossIndexes.secretServices('g', 'DB')]: ['g/web/b'],
};
const reader = { ids: async (index: string) => indexes[index] ?? [] } as unknown as ReadModelReader;

describe('services an event can affect', () => {
  it.each([
    ['a service event: that service', envelope('service-g/null/a', 'ServiceScaled'), ['g/null/a']],
    [
      'a stack deploy: its services',
      envelope('stack-g/web', 'StackDeployRequested', {
        service_deploys: [{ service: 'b', deploy_id: 'd' }],
      }),
      ['g/web/b'],
    ],
    [
      'a node going away: every service of its grid',
      envelope('node-g/n1', 'NodeDisconnected'),
      ['g/null/a', 'g/web/b'],
    ],
    [
      'a drain: every service of its grid',
      envelope('node-g/n1', 'NodeAvailabilityChanged'),
      ['g/null/a', 'g/web/b'],
    ],
    [
      'a changed secret: the services reading it (§9)',
      envelope('secret-g/DB', 'SecretValueChanged'),
      ['g/web/b'],
    ],
    ['a secret read: nothing', envelope('secret-g/DB', 'SecretRead'), []],
    ['node info: nothing', envelope('node-g/n1', 'NodeInfoReported'), []],
    ['its own deploy progress: nothing', envelope('deploy-d', 'ServiceDeployStarted'), []],
    ['its own placement: nothing', envelope('placement-g/null/a', 'InstancePlaced'), []],
  ])('%s', async (_what, event, expected) => {
    expect(await servicesAffectedBy(event, reader)).toEqual(expected);
  });
});
