import fc from 'fast-check';
import { deciderSpecification, testContext } from '@libs/testing';
import { fold, isDomainError } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { CreateService, ServiceCommand, UpdateService } from './service.commands';
import { serviceDecider } from './service.decider';
import { SERVICE_DEFAULTS, ServiceChanges, ServiceDefinition } from './service.definition';
import type { ServiceCreated, ServiceEvent } from './service.events';

const spec = deciderSpecification(serviceDecider, testContext);
const definition: ServiceDefinition = {
  ...SERVICE_DEFAULTS,
  image: 'redis:7',
  stateful: false,
  env: ['FOO=bar', 'PASSWORD=secret'],
};
const create: CreateService = {
  type: 'CreateService',
  data: { grid: 'g', stack: 'null', name: 'redis', definition },
};
const created: ServiceCreated = {
  type: 'ServiceCreated',
  data: { grid: 'g', stack: 'null', name: 'redis', ...definition, revision: 1, stack_revision: null },
};
const removed: ServiceEvent = { type: 'ServiceRemoved', data: { grid: 'g', stack: 'null', name: 'redis' } };
const statefulCreated: ServiceCreated = {
  type: 'ServiceCreated',
  data: {
    ...created.data,
    stateful: true,
    volumes: [{ bind_mount: null, volume: null, path: '/data', flags: null }],
  },
};
const update = (changes: ServiceChanges, force = false, stack_revision?: number): UpdateService => ({
  type: 'UpdateService',
  data: { changes, force, ...(stack_revision === undefined ? {} : { stack_revision }) },
});

describe('service decider', () => {
  describe('create', () => {
    it('creates a service at revision 1, not yet deployed', () => {
      spec.given([]).when(create).then([created]);
      const state = fold(serviceDecider, [created]);
      expect(state).toMatchObject({ status: 'active', state: 'initialized', revision: 1 });
    });

    it('refuses a name taken in the same grid and stack', () => {
      spec
        .given([created])
        .when(create)
        .thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ name: 'is already taken' }));
    });

    it('allows the name of a removed service again', () => {
      spec.given([created, removed]).when(create).then([created]);
    });

    it('refuses host names longer than 64 characters, counted for the last instance', () => {
      const name = 'xxxxxxxx10xxxxxxxx20xxxxxxxx30xxxxxx38';
      spec
        .given([])
        .when({
          type: 'CreateService',
          data: { grid: 'test-grid', stack: 'null', name, definition: { ...definition, instances: 10 } },
        })
        .thenFails(ValidationFailed, (e) =>
          expect(e.errors).toEqual({
            name: `Total grid service name length 65 is over limit (64): ${name}-10.test-grid.kontena.local`,
          }),
        );
      spec
        .given([])
        .when({ type: 'CreateService', data: { grid: 'test-grid', stack: 'null', name, definition } })
        .then([
          {
            type: 'ServiceCreated',
            data: {
              grid: 'test-grid',
              stack: 'null',
              name,
              ...definition,
              revision: 1,
              stack_revision: null,
            },
          },
        ]);
    });
  });

  describe('update', () => {
    it('records only what changed and moves the revision', () => {
      spec
        .given([created])
        .when(update({ image: 'redis:8', strategy: 'ha' }))
        .then([{ type: 'ServiceUpdated', data: { changes: { image: 'redis:8' }, revision: 2 } }]);
    });

    it('appends nothing when nothing changed, unless forced', () => {
      spec
        .given([created])
        .when(update({ image: 'redis:7', env: ['FOO=bar', 'PASSWORD=secret'] }))
        .then([]);
      spec
        .given([created])
        .when(update({ image: 'redis:7' }, true))
        .then([{ type: 'ServiceUpdated', data: { changes: {}, revision: 2 } }]);
    });

    it('moves the revision when an embedded list changes', () => {
      const link = { name: 'null/db', alias: 'db' };
      spec
        .given([created])
        .when(update({ links: [link] }))
        .then([{ type: 'ServiceUpdated', data: { changes: { links: [link] }, revision: 2 } }]);
      const linked: ServiceEvent = {
        type: 'ServiceUpdated',
        data: { changes: { links: [link] }, revision: 2 },
      };
      spec
        .given([created, linked])
        .when(update({ links: [{ alias: 'db', name: 'null/db' }] }))
        .then([]);
    });

    it('merges env: KEY= with an empty value keeps the current value', () => {
      spec
        .given([created])
        .when(update({ env: ['FOO=baz', 'PASSWORD='] }))
        .then([
          { type: 'ServiceUpdated', data: { changes: { env: ['FOO=baz', 'PASSWORD=secret'] }, revision: 2 } },
        ]);
      spec
        .given([created])
        .when(update({ env: ['FOO=bar', 'PASSWORD='] }))
        .then([]);
      spec
        .given([created])
        .when(update({ env: ['NEW='] }))
        .then([{ type: 'ServiceUpdated', data: { changes: { env: ['NEW='] }, revision: 2 } }]);
    });

    it('records the stack revision a stack deploy applied without moving the service revision', () => {
      spec
        .given([created])
        .when(update({ image: 'redis:7' }, false, 3))
        .then([{ type: 'ServiceUpdated', data: { changes: {}, revision: 1, stack_revision: 3 } }]);
      spec
        .given([created])
        .when(update({ image: 'redis:8' }, false, 3))
        .then([
          { type: 'ServiceUpdated', data: { changes: { image: 'redis:8' }, revision: 2, stack_revision: 3 } },
        ]);
      const applied: ServiceEvent = {
        type: 'ServiceUpdated',
        data: { changes: {}, revision: 1, stack_revision: 3 },
      };
      spec
        .given([created, applied])
        .when(update({}, false, 3))
        .then([]);
    });

    it('refuses volumes_from and new anonymous volumes on a stateful service', () => {
      spec
        .given([statefulCreated])
        .when(update({ volumes_from: ['other-%s'] }))
        .thenFails(ValidationFailed, (e) =>
          expect(e.errors).toEqual({ volumes_from: 'Cannot combine stateful & volumes_from' }),
        );
      spec
        .given([statefulCreated])
        .when(
          update({
            volumes: [
              { bind_mount: null, volume: null, path: '/data', flags: null },
              { bind_mount: null, volume: null, path: '/foo', flags: null },
            ],
          }),
        )
        .thenFails(ValidationFailed, (e) =>
          expect(e.errors).toEqual({
            volumes: ['Adding a new anonymous volume (/foo) to a stateful service is not supported'],
          }),
        );
      // Named volumes and bind mounts are fine, and stateless services may add anything.
      spec
        .given([statefulCreated])
        .when(
          update({
            volumes: [
              { bind_mount: null, volume: null, path: '/data', flags: null },
              { bind_mount: null, volume: 'vol', path: '/v', flags: '' },
            ],
          }),
        )
        .then([
          {
            type: 'ServiceUpdated',
            data: {
              changes: {
                volumes: [
                  { bind_mount: null, volume: null, path: '/data', flags: null },
                  { bind_mount: null, volume: 'vol', path: '/v', flags: '' },
                ],
              },
              revision: 2,
            },
          },
        ]);
      spec
        .given([created])
        .when(update({ volumes_from: ['other-%s'] }))
        .then([{ type: 'ServiceUpdated', data: { changes: { volumes_from: ['other-%s'] }, revision: 2 } }]);
    });

    it('checks host name length against the resulting instance count', () => {
      const name = 'x'.repeat(46); // 46 + '-1' + '.g.kontena.local' = 64 fits; '-10' does not
      const long: ServiceCreated = { type: 'ServiceCreated', data: { ...created.data, grid: 'g', name } };
      spec
        .given([long])
        .when(update({ instances: 10 }))
        .thenFails(ValidationFailed, (e) => expect(Object.keys(e.errors)).toEqual(['name']));
      spec
        .given([long])
        .when(update({ instances: 9 }))
        .then([{ type: 'ServiceUpdated', data: { changes: { instances: 9 }, revision: 2 } }]);
    });
  });

  describe('scale and deploy', () => {
    it('scales with a deploy record and keeps the revision', () => {
      spec
        .given([created])
        .when({ type: 'ScaleService', data: { instances: 3, deploy_id: 'd1' } })
        .then([
          { type: 'ServiceScaled', data: { instances: 3 } },
          {
            type: 'ServiceDeployRequested',
            data: { deploy_id: 'd1', stack_deploy_id: null, force: false, revision: 1 },
          },
        ]);
      spec
        .given([created])
        .when({ type: 'ScaleService', data: { instances: 1, deploy_id: 'd1' } })
        .then([
          {
            type: 'ServiceDeployRequested',
            data: { deploy_id: 'd1', stack_deploy_id: null, force: false, revision: 1 },
          },
        ]);
    });

    it('deploys without moving the revision unless forced, and makes the service running', () => {
      spec
        .given([created])
        .when({ type: 'DeployService', data: { deploy_id: 'd1', force: false, stack_deploy_id: null } })
        .then([
          {
            type: 'ServiceDeployRequested',
            data: { deploy_id: 'd1', stack_deploy_id: null, force: false, revision: 1 },
          },
        ]);
      spec
        .given([created])
        .when({ type: 'DeployService', data: { deploy_id: 'd2', force: true, stack_deploy_id: 's1' } })
        .then([
          {
            type: 'ServiceDeployRequested',
            data: { deploy_id: 'd2', stack_deploy_id: 's1', force: true, revision: 2 },
          },
        ]);
      const deployed = fold(serviceDecider, [
        created,
        {
          type: 'ServiceDeployRequested',
          data: { deploy_id: 'd2', stack_deploy_id: null, force: true, revision: 2 },
        },
      ]);
      expect(deployed).toMatchObject({ state: 'running', revision: 2 });
    });
  });

  describe('start, stop, restart', () => {
    const stopped: ServiceEvent = { type: 'ServiceStopped', data: {} };
    it('stops and starts only when the desired state changes', () => {
      spec.given([created]).when({ type: 'StopService', data: {} }).then([stopped]);
      spec.given([created, stopped]).when({ type: 'StopService', data: {} }).then([]);
      spec
        .given([created, stopped])
        .when({ type: 'StartService', data: {} })
        .then([{ type: 'ServiceStarted', data: {} }]);
      spec
        .given([created, stopped, { type: 'ServiceStarted', data: {} }])
        .when({ type: 'StartService', data: {} })
        .then([]);
    });

    it('always records a restart request', () => {
      spec
        .given([created])
        .when({ type: 'RestartService', data: {} })
        .then([{ type: 'ServiceRestartRequested', data: {} }]);
    });
  });

  describe('env', () => {
    it('sets a variable, replacing the key in place, and moves the revision', () => {
      spec
        .given([created])
        .when({ type: 'AddServiceEnv', data: { env: 'FOO=qux' } })
        .then([{ type: 'ServiceEnvAdded', data: { env: 'FOO=qux', revision: 2 } }]);
      const state = fold(serviceDecider, [
        created,
        { type: 'ServiceEnvAdded', data: { env: 'FOO=qux', revision: 2 } },
      ]);
      expect(state).toMatchObject({ env: ['FOO=qux', 'PASSWORD=secret'], revision: 2 });
      spec
        .given([created])
        .when({ type: 'AddServiceEnv', data: { env: 'FOO=bar' } })
        .then([]);
    });

    it('removes every entry of a key, or nothing', () => {
      spec
        .given([created])
        .when({ type: 'RemoveServiceEnv', data: { key: 'FOO' } })
        .then([{ type: 'ServiceEnvRemoved', data: { key: 'FOO', revision: 2 } }]);
      spec
        .given([created])
        .when({ type: 'RemoveServiceEnv', data: { key: 'NOPE' } })
        .then([]);
      expect(
        fold(serviceDecider, [created, { type: 'ServiceEnvRemoved', data: { key: 'FOO', revision: 2 } }]),
      ).toMatchObject({ env: ['PASSWORD=secret'] });
    });
  });

  it('records an instance reschedule request', () => {
    spec
      .given([created])
      .when({ type: 'RescheduleServiceInstance', data: { instance_number: 2 } })
      .then([{ type: 'ServiceInstanceRescheduleRequested', data: { instance_number: 2 } }]);
  });

  describe('remove', () => {
    it('refuses while other services link to it, naming them', () => {
      spec
        .given([created])
        .when({ type: 'RemoveService', data: { linked_from: ['a', 'b'] } })
        .thenFails(ValidationFailed, (e) =>
          expect(e.errors).toEqual({
            service: 'Cannot delete service that is linked to another service (a, b)',
          }),
        );
    });

    it('removes an unlinked service', () => {
      spec
        .given([created])
        .when({ type: 'RemoveService', data: { linked_from: [] } })
        .then([removed]);
    });
  });

  it('answers not found for every command on a missing or removed service', () => {
    const commands: ServiceCommand[] = [
      update({ image: 'x' }),
      { type: 'ScaleService', data: { instances: 2, deploy_id: 'd' } },
      { type: 'DeployService', data: { deploy_id: 'd', force: false, stack_deploy_id: null } },
      { type: 'StartService', data: {} },
      { type: 'StopService', data: {} },
      { type: 'RestartService', data: {} },
      { type: 'AddServiceEnv', data: { env: 'A=1' } },
      { type: 'RemoveServiceEnv', data: { key: 'A' } },
      { type: 'RescheduleServiceInstance', data: { instance_number: 1 } },
      { type: 'RemoveService', data: { linked_from: [] } },
    ];
    for (const command of commands) {
      spec.given([]).when(command).thenFails(NotFound);
      spec.given([created, removed]).when(command).thenFails(NotFound);
    }
  });

  describe('properties', () => {
    const envPair = fc
      .tuple(fc.constantFrom('A', 'B', 'C', 'PASSWORD'), fc.constantFrom('', '1', '2', 'x=y'))
      .map(([k, v]) => `${k}=${v}`);
    const changes = fc.record(
      {
        image: fc.constantFrom('redis:7', 'redis:8'),
        instances: fc.integer({ min: 0, max: 5 }),
        env: fc.array(envPair, { maxLength: 4 }),
        strategy: fc.constantFrom('ha' as const, 'daemon' as const),
        affinity: fc.array(fc.constantFrom('node==a', 'label==ssd'), { maxLength: 2 }),
        cmd: fc.option(fc.array(fc.constantFrom('run', '-v'), { maxLength: 2 }), { nil: null }),
      },
      { requiredKeys: [] },
    );

    it('moves the revision by exactly one when something changed or it was forced, never otherwise', () => {
      fc.assert(
        fc.property(fc.array(changes, { maxLength: 4 }), changes, fc.boolean(), (history, next, force) => {
          let events: ServiceEvent[] = [created];
          for (const earlier of history) {
            const decision = serviceDecider.decide(
              update(earlier),
              fold(serviceDecider, events),
              testContext,
            );
            if (!isDomainError(decision)) events = [...events, ...decision];
          }
          const before = fold(serviceDecider, events);
          const decision = serviceDecider.decide(update(next, force), before, testContext);
          if (isDomainError(decision) || before.status !== 'active') return;
          const after = fold(serviceDecider, [...events, ...decision]);
          if (after.status !== 'active') throw new Error('service vanished');
          const { revision: _b, ...beforeRest } = before;
          const { revision: _a, ...afterRest } = after;
          const changed = JSON.stringify(beforeRest) !== JSON.stringify(afterRest);
          expect(after.revision - before.revision).toBe(changed || force ? 1 : 0);
          expect(decision.length > 0).toBe(changed || force);
        }),
      );
    });

    it('an update followed by the same update changes nothing', () => {
      fc.assert(
        fc.property(changes, (next) => {
          const first = serviceDecider.decide(update(next), fold(serviceDecider, [created]), testContext);
          if (isDomainError(first)) return;
          const second = serviceDecider.decide(
            update(next),
            fold(serviceDecider, [created, ...first]),
            testContext,
          );
          expect(second).toEqual([]);
        }),
      );
    });
  });
});
