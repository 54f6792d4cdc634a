import fc from 'fast-check';
import { deciderSpecification, testContext } from '@libs/testing';
import { isDomainError } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { CreateVolume } from './volume.commands';
import { volumeDecider } from './volume.decider';
import type { VolumeCreated, VolumeRemoved } from './volume.events';

const spec = deciderSpecification(volumeDecider, testContext);
const data = {
  grid: 'g',
  name: 'data',
  scope: 'instance' as const,
  driver: 'local',
  driver_opts: { 'o.1': 'x' },
};
const create: CreateVolume = { type: 'CreateVolume', data };
const created: VolumeCreated = { type: 'VolumeCreated', data };
const removed: VolumeRemoved = {
  type: 'VolumeRemoved',
  data: { grid: 'g', name: 'data', reason: 'deleted' },
};
const remove = (services: string[] = [], reason: 'deleted' | 'grid_removed' = 'deleted') =>
  ({ type: 'RemoveVolume', data: { name: 'data', services, reason } }) as const;

describe('volume decider', () => {
  describe('CreateVolume', () => {
    it('creates a volume', () => {
      spec.given([]).when(create).then([created]);
    });

    it("refuses a duplicate name with Kontena's message", () => {
      spec
        .given([created])
        .when(create)
        .thenFails(ValidationFailed, (e) =>
          expect(e.errors).toEqual({ name: 'Volume with given name already exists' }),
        );
    });

    it('refuses a driver with a version tag', () => {
      spec
        .given([])
        .when({ type: 'CreateVolume', data: { ...data, driver: 'rexray:0.9' } })
        .thenFails(ValidationFailed, (e) =>
          expect(e.errors).toEqual({ driver: 'Driver version tag cannot be used' }),
        );
    });

    it('reports both problems at once, as Kontena validated both', () => {
      spec
        .given([created])
        .when({ type: 'CreateVolume', data: { ...data, driver: 'rexray:0.9' } })
        .thenFails(ValidationFailed, (e) =>
          expect(e.errors).toEqual({
            name: 'Volume with given name already exists',
            driver: 'Driver version tag cannot be used',
          }),
        );
    });

    it('allows the name of a removed volume again', () => {
      spec.given([created, removed]).when(create).then([created]);
    });
  });

  describe('RemoveVolume', () => {
    it('removes an unused volume', () => {
      spec.given([created]).when(remove()).then([removed]);
    });

    it('refuses while services use it, keyed by the volume name with the services as Ruby prints a list', () => {
      spec
        .given([created])
        .when(remove(['g/null/app', 'g/web/db']))
        .thenFails(ValidationFailed, (e) =>
          expect(e.errors).toEqual({ data: 'Volume still in use in services ["g/null/app", "g/web/db"]' }),
        );
    });

    it("answers Kontena's not found for a missing volume", () => {
      spec
        .given([])
        .when(remove())
        .thenFails(NotFound, (e) => expect(e.body).toEqual({ error: 'Volume data not found' }));
      spec.given([created, removed]).when(remove()).thenFails(NotFound);
    });

    it('is idempotent when the grid is removed', () => {
      spec
        .given([created])
        .when(remove([], 'grid_removed'))
        .then([{ type: 'VolumeRemoved', data: { grid: 'g', name: 'data', reason: 'grid_removed' } }]);
      spec.given([created, removed]).when(remove([], 'grid_removed')).then([]);
    });
  });

  it('refuses exactly the drivers that carry a version tag (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (driver) => {
        const result = volumeDecider.decide(
          { type: 'CreateVolume', data: { ...data, driver } },
          volumeDecider.initialState,
          testContext,
        );
        expect(isDomainError(result)).toBe(driver.includes(':'));
      }),
    );
  });
});
