import fc from 'fast-check';
import { deciderSpecification, testContext } from '@libs/testing';
import { fold, isDomainError } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { CreateStack, StackCommand } from './stack.commands';
import { nullStackRefusal, stackDecider } from './stack.decider';
import type { StackCreated, StackEvent, StackRevisionData } from './stack.events';

const spec = deciderSpecification(stackDecider, testContext);
const revision: StackRevisionData = {
  stack: 'my/redis',
  version: '0.1.0',
  source: 'services: …',
  registry: 'file://',
  expose: null,
  variables: { foo: 'bar' },
  metadata: {},
  services: [{ name: 'redis', image: 'redis:7', stateful: true }],
  volumes: [],
};
const create: CreateStack = {
  type: 'CreateStack',
  data: { grid: 'g', name: 'redis', parent_name: null, labels: ['fqdn=a.b'], revision },
};
const created: StackCreated = {
  type: 'StackCreated',
  data: { grid: 'g', name: 'redis', parent_name: null, labels: ['fqdn=a.b'], ...revision, revision: 1 },
};
const removalRequested: StackEvent = { type: 'StackRemovalRequested', data: {} };
const removed: StackEvent = { type: 'StackRemoved', data: { grid: 'g', name: 'redis' } };

describe('stack decider', () => {
  describe('create', () => {
    it('creates a stack with revision 1', () => {
      spec.given([]).when(create).then([created]);
    });

    it("refuses a taken name, the null stack's name included", () => {
      spec
        .given([created])
        .when(create)
        .thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ name: 'redis already exists' }));
      spec.given([created, removalRequested]).when(create).thenFails(ValidationFailed);
      spec
        .given([])
        .when({ type: 'CreateStack', data: { ...create.data, name: 'null' } })
        .thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ name: 'null already exists' }));
    });

    it('allows the name of a removed stack again', () => {
      spec.given([created, removalRequested, removed]).when(create).then([created]);
    });
  });

  describe('update', () => {
    it('creates a new revision only when a revision attribute changed', () => {
      spec.given([created]).when({ type: 'UpdateStack', data: { revision } }).then([]);
      spec
        .given([created])
        .when({ type: 'UpdateStack', data: { revision: { ...revision, version: '0.2.0' } } })
        .then([{ type: 'StackRevisionCreated', data: { ...revision, version: '0.2.0', revision: 2 } }]);
      const services = [{ name: 'redis', image: 'redis:8', stateful: true }];
      spec
        .given([created])
        .when({ type: 'UpdateStack', data: { revision: { ...revision, services } } })
        .then([{ type: 'StackRevisionCreated', data: { ...revision, services, revision: 2 } }]);
    });

    it('treats key order in nested JSON as no change', () => {
      spec
        .given([created])
        .when({
          type: 'UpdateStack',
          data: {
            revision: { ...revision, services: [{ stateful: true, image: 'redis:7', name: 'redis' }] },
          },
        })
        .then([]);
    });

    it('changes labels when given, with or without a new revision', () => {
      spec
        .given([created])
        .when({ type: 'UpdateStack', data: { labels: ['a=1'], revision } })
        .then([{ type: 'StackLabelsChanged', data: { labels: ['a=1'] } }]);
      spec
        .given([created])
        .when({ type: 'UpdateStack', data: { labels: ['fqdn=a.b'], revision } })
        .then([]);
      spec
        .given([created])
        .when({ type: 'UpdateStack', data: { labels: [], revision: { ...revision, expose: 'redis' } } })
        .then([
          { type: 'StackLabelsChanged', data: { labels: [] } },
          { type: 'StackRevisionCreated', data: { ...revision, expose: 'redis', revision: 2 } },
        ]);
    });

    it('numbers revisions consecutively', () => {
      const second: StackEvent = {
        type: 'StackRevisionCreated',
        data: { ...revision, version: '2', revision: 2 },
      };
      spec
        .given([created, second])
        .when({ type: 'UpdateStack', data: { revision: { ...revision, version: '3' } } })
        .then([{ type: 'StackRevisionCreated', data: { ...revision, version: '3', revision: 3 } }]);
    });
  });

  it('patches labels only', () => {
    spec
      .given([created])
      .when({ type: 'PatchStack', data: { labels: [] } })
      .then([{ type: 'StackLabelsChanged', data: { labels: [] } }]);
    spec.given([created]).when({ type: 'PatchStack', data: {} }).then([]);
    spec
      .given([created])
      .when({ type: 'PatchStack', data: { labels: ['fqdn=a.b'] } })
      .then([]);
  });

  it('records a deploy of the latest revision with its service deploys', () => {
    const data = {
      stack_deploy_id: 's1',
      service_deploys: [{ service: 'redis', deploy_id: 'd1' }],
      removed_services: ['old'],
    };
    spec
      .given([created])
      .when({ type: 'DeployStack', data })
      .then([{ type: 'StackDeployRequested', data: { ...data, stack_revision: 1 } }]);
  });

  it('records stop and restart requests', () => {
    spec
      .given([created])
      .when({ type: 'StopStack', data: {} })
      .then([{ type: 'StackStopRequested', data: {} }]);
    spec
      .given([created])
      .when({ type: 'RestartStack', data: {} })
      .then([{ type: 'StackRestartRequested', data: {} }]);
  });

  describe('remove', () => {
    it('refuses while services of other stacks link into it', () => {
      spec
        .given([created])
        .when({ type: 'RemoveStack', data: { linked_from_other_stacks: ['web/api', 'web/worker'] } })
        .thenFails(ValidationFailed, (e) =>
          expect(e.errors).toEqual({
            service: 'Cannot delete service that is linked from another stack (web/api, web/worker)',
          }),
        );
    });

    it('requests removal once, then finishes it', () => {
      spec
        .given([created])
        .when({ type: 'RemoveStack', data: { linked_from_other_stacks: [] } })
        .then([removalRequested]);
      spec
        .given([created, removalRequested])
        .when({ type: 'RemoveStack', data: { linked_from_other_stacks: [] } })
        .then([]);
      spec.given([created, removalRequested]).when({ type: 'FinishStackRemoval', data: {} }).then([removed]);
      spec.given([created]).when({ type: 'FinishStackRemoval', data: {} }).thenFails(ValidationFailed);
    });

    it('refuses other changes while the stack is being removed', () => {
      spec
        .given([created, removalRequested])
        .when({ type: 'PatchStack', data: { labels: [] } })
        .thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ stack: 'Stack is being removed' }));
      spec
        .given([created, removalRequested])
        .when({
          type: 'DeployStack',
          data: { stack_deploy_id: 's', service_deploys: [], removed_services: [] },
        })
        .thenFails(ValidationFailed);
    });
  });

  it('answers not found (with an empty body) for a missing or removed stack', () => {
    const commands: StackCommand[] = [
      { type: 'UpdateStack', data: { revision } },
      { type: 'PatchStack', data: {} },
      { type: 'DeployStack', data: { stack_deploy_id: 's', service_deploys: [], removed_services: [] } },
      { type: 'StopStack', data: {} },
      { type: 'RestartStack', data: {} },
      { type: 'RemoveStack', data: { linked_from_other_stacks: [] } },
      { type: 'FinishStackRemoval', data: {} },
    ];
    for (const command of commands) {
      spec
        .given([])
        .when(command)
        .thenFails(NotFound, (e) => expect(e.body).toEqual({}));
      spec.given([created, removalRequested, removed]).when(command).thenFails(NotFound);
    }
  });

  it("has Kontena's refusals for the null stack", () => {
    expect(nullStackRefusal('update').errors).toEqual({ stack: 'Cannot update null stack' });
    expect(nullStackRefusal('deploy').errors).toEqual({ stack: 'Cannot deploy null stack' });
    expect(nullStackRefusal('delete').errors).toEqual({ stack: 'Cannot delete default stack' });
  });

  it('moves the revision exactly when the requested revision differs from the latest (property)', () => {
    const data = fc.record({
      version: fc.constantFrom('1', '2'),
      expose: fc.constantFrom(null, 'redis'),
      variables: fc.constantFrom({}, { a: 1 }),
    });
    fc.assert(
      fc.property(fc.array(data, { maxLength: 5 }), (updates) => {
        let events: StackEvent[] = [created];
        for (const change of updates) {
          const before = fold(stackDecider, events);
          const decision = stackDecider.decide(
            { type: 'UpdateStack', data: { revision: { ...revision, ...change } } },
            before,
            testContext,
          );
          if (isDomainError(decision) || before.status !== 'active') throw new Error('unexpected refusal');
          events = [...events, ...decision];
          const after = fold(stackDecider, events);
          if (after.status !== 'active') throw new Error('stack vanished');
          const differs =
            before.version !== change.version ||
            before.expose !== change.expose ||
            JSON.stringify(before.variables) !== JSON.stringify(change.variables);
          expect(after.revision - before.revision).toBe(differs ? 1 : 0);
        }
      }),
    );
  });
});
