import fc from 'fast-check';
import { deciderSpecification, testContext } from '@libs/testing';
import { isDomainError } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { SealedValue } from '../shared/sealed';
import { secretDecider } from './secret.decider';
import type { SecretCreated, SecretEvent, SecretRemoved } from './secret.events';

const spec = deciderSpecification(secretDecider, testContext);
const sealed = (ciphertext: string): SealedValue => ({
  key_id: 'k1',
  alg: 'A256GCM',
  iv: `iv-${ciphertext}`,
  ciphertext,
  tag: 'dGFn',
});
const v1 = sealed('djE=');
const v2 = sealed('djI=');
const created: SecretCreated = { type: 'SecretCreated', data: { grid: 'g', name: 'PWD', value: v1 } };
const removed: SecretRemoved = { type: 'SecretRemoved', data: { grid: 'g', name: 'PWD', reason: 'deleted' } };
const update = (data: Partial<{ value: SealedValue; upsert: boolean; unchanged: SealedValue }>) =>
  ({ type: 'UpdateSecret', data: { grid: 'g', name: 'PWD', value: v2, upsert: false, ...data } }) as const;

describe('secret decider', () => {
  describe('CreateSecret', () => {
    it('creates a secret with its sealed value', () => {
      spec
        .given([])
        .when({ type: 'CreateSecret', data: { grid: 'g', name: 'PWD', value: v1 } })
        .then([created]);
    });

    it("refuses a name that is taken with Kontena's message", () => {
      spec
        .given([created])
        .when({ type: 'CreateSecret', data: { grid: 'g', name: 'PWD', value: v2 } })
        .thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ name: 'is already taken' }));
    });

    it('allows the name of a removed secret again', () => {
      spec
        .given([created, removed])
        .when({ type: 'CreateSecret', data: { grid: 'g', name: 'PWD', value: v2 } })
        .then([{ type: 'SecretCreated', data: { grid: 'g', name: 'PWD', value: v2 } }]);
    });
  });

  describe('UpdateSecret', () => {
    it('records a new value', () => {
      spec
        .given([created])
        .when(update({}))
        .then([{ type: 'SecretValueChanged', data: { value: v2 } }]);
    });

    it('appends nothing when the caller found the current value equal to the new one', () => {
      spec
        .given([created])
        .when(update({ unchanged: v1 }))
        .then([]);
    });

    it('still updates when the value the caller compared against is no longer current', () => {
      const v3 = sealed('djM=');
      spec
        .given([created, { type: 'SecretValueChanged', data: { value: v3 } }])
        .when(update({ unchanged: v1 }))
        .then([{ type: 'SecretValueChanged', data: { value: v2 } }]);
    });

    it('answers not found for a missing secret unless upsert is asked for', () => {
      spec.given([]).when(update({})).thenFails(NotFound);
      spec.given([created, removed]).when(update({})).thenFails(NotFound);
    });

    it('creates a missing secret on upsert', () => {
      spec
        .given([])
        .when(update({ upsert: true }))
        .then([{ type: 'SecretCreated', data: { grid: 'g', name: 'PWD', value: v2 } }]);
    });

    it('updates an existing secret on upsert', () => {
      spec
        .given([created])
        .when(update({ upsert: true }))
        .then([{ type: 'SecretValueChanged', data: { value: v2 } }]);
    });
  });

  describe('ReadSecret', () => {
    it('records the read', () => {
      spec
        .given([created])
        .when({ type: 'ReadSecret', data: {} })
        .then([{ type: 'SecretRead', data: {} }]);
    });

    it('answers not found for a missing or removed secret', () => {
      spec.given([]).when({ type: 'ReadSecret', data: {} }).thenFails(NotFound);
      spec.given([created, removed]).when({ type: 'ReadSecret', data: {} }).thenFails(NotFound);
    });

    it('does not change the state, so the value stays the one last written', () => {
      const state = [created, { type: 'SecretRead', data: {} } as SecretEvent].reduce(
        secretDecider.evolve,
        secretDecider.initialState,
      );
      expect(state).toEqual({ status: 'active', grid: 'g', name: 'PWD', value: v1 });
    });
  });

  describe('RemoveSecret', () => {
    it('removes a secret', () => {
      spec
        .given([created])
        .when({ type: 'RemoveSecret', data: { reason: 'deleted' } })
        .then([removed]);
    });

    it('answers not found when a user deletes a missing secret', () => {
      spec
        .given([])
        .when({ type: 'RemoveSecret', data: { reason: 'deleted' } })
        .thenFails(NotFound);
      spec
        .given([created, removed])
        .when({ type: 'RemoveSecret', data: { reason: 'deleted' } })
        .thenFails(NotFound);
    });

    it('is idempotent when the grid is removed (a failed grid removal is retried as a whole)', () => {
      spec
        .given([created])
        .when({ type: 'RemoveSecret', data: { reason: 'grid_removed' } })
        .then([{ type: 'SecretRemoved', data: { grid: 'g', name: 'PWD', reason: 'grid_removed' } }]);
      spec
        .given([created, removed])
        .when({ type: 'RemoveSecret', data: { reason: 'grid_removed' } })
        .then([]);
      spec
        .given([])
        .when({ type: 'RemoveSecret', data: { reason: 'grid_removed' } })
        .then([]);
    });
  });

  it('records a value change exactly when the compared value is not the current one (property)', () => {
    const value = fc.record({
      key_id: fc.constantFrom('k1', 'k2'),
      alg: fc.constant('A256GCM' as const),
      iv: fc.string(),
      ciphertext: fc.string(),
      tag: fc.string(),
    });
    fc.assert(
      fc.property(
        value,
        value,
        fc.option(value, { nil: undefined }),
        fc.boolean(),
        (current, next, unchanged, upsert) => {
          const history: SecretEvent[] = [
            { type: 'SecretCreated', data: { grid: 'g', name: 'PWD', value: current } },
          ];
          const result = secretDecider.decide(
            update({ value: next, unchanged, upsert }),
            secretDecider.evolve(secretDecider.initialState, history[0]),
            testContext,
          );
          if (isDomainError(result)) throw new Error('an existing secret can always be updated');
          const same = unchanged !== undefined && JSON.stringify(unchanged) === JSON.stringify(current);
          expect(result).toEqual(same ? [] : [{ type: 'SecretValueChanged', data: { value: next } }]);
        },
      ),
    );
  });
});
