import { fold, SERVICE_DEFAULTS, serviceDecider, ServiceEvent, stackDecider, StackEvent } from '@libs/domain';
import type { ReadModels } from '../platform/read-models';
import { stackAfter, stackDeployAfter } from '../stacks/stack-doc';
import { deployAfter, serviceAfter } from './service-doc';

const now = new Date('2026-11-22T12:00:00.000Z');
const lagging = {
  reader: {
    doc: async () => undefined,
    deploy: async () => undefined,
    docAt: async () => ({ doc: undefined, revision: undefined }),
  },
} as unknown as ReadModels;
const caughtUp = (doc: object, revision: bigint) =>
  ({ reader: { doc: async () => doc, docAt: async () => ({ doc, revision }) } }) as unknown as ReadModels;

const created: ServiceEvent = {
  type: 'ServiceCreated',
  data: {
    grid: 'g',
    stack: 'null',
    name: 'api',
    ...SERVICE_DEFAULTS,
    image: 'api:1',
    stateful: false,
    revision: 1,
    stack_revision: null,
  },
};
const requested: ServiceEvent = {
  type: 'ServiceDeployRequested',
  data: { deploy_id: 'd1', stack_deploy_id: null, force: false, revision: 1 },
};

describe('answering from the decider when the read model lags', () => {
  const outcome = { events: [requested], state: fold(serviceDecider, [created, requested]), revision: 1n };

  it('uses the read model once it has caught up with the command', async () => {
    const doc = { id: 'g/null/api', marker: true };
    expect(await serviceAfter(caughtUp(doc, 1n), 'g/null/api', outcome, now)).toBe(doc);
  });

  it('builds the service and its new deploy from the command otherwise', async () => {
    expect(await serviceAfter(lagging, 'g/null/api', outcome, now)).toMatchObject({
      id: 'g/null/api',
      image: 'api:1',
      state: 'running',
      revision: 1,
      deploy_requested_at: now.toISOString(),
    });
    expect(await deployAfter(lagging, 'g/null/api', outcome, now)).toEqual({
      id: 'd1',
      service_id: 'g/null/api',
      stack_deploy_id: null,
      force: false,
      revision: 1,
      created_at: now.toISOString(),
      queued_at: null,
      started_at: null,
      finished_at: null,
      state: 'created',
      reason: null,
      instance_deploys: [],
    });
  });

  it('builds stacks and stack deploys from the command too', async () => {
    const revision = {
      stack: 's',
      version: '1',
      source: 'x',
      registry: null,
      expose: null,
      variables: {},
      metadata: {},
      services: [],
      volumes: [],
    };
    const events: StackEvent[] = [
      {
        type: 'StackCreated',
        data: { grid: 'g', name: 'web', parent_name: null, labels: [], ...revision, revision: 1 },
      },
      {
        type: 'StackDeployRequested',
        data: {
          stack_deploy_id: 's1',
          stack_revision: 1,
          service_deploys: [{ service: 'api', deploy_id: 'd1' }],
          removed_services: [],
        },
      },
    ];
    const stackOutcome = { events, state: fold(stackDecider, events), revision: 1n };
    expect(await stackAfter(lagging, 'g/web', stackOutcome, now)).toMatchObject({
      id: 'g/web',
      revision: 1,
      removing: false,
      updated_at: now.toISOString(),
    });
    expect(await stackDeployAfter(lagging, 'g/web', stackOutcome, now)).toMatchObject({
      id: 's1',
      stack_id: 'g/web',
      state: 'created',
      service_deploys: ['d1'],
    });
  });
});
