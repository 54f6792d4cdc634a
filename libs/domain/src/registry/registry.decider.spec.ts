import { deciderSpecification, testContext } from '@libs/testing';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { CreateRegistry } from './registry.commands';
import { registryDecider } from './registry.decider';
import type { RegistryCreated, RegistryRemoved } from './registry.events';

const spec = deciderSpecification(registryDecider, testContext);
const password = { key_id: 'k1', alg: 'A256GCM' as const, iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const data = {
  grid: 'g',
  name: 'registry.example.com',
  url: 'https://registry.example.com/',
  username: 'bot',
  password,
  email: null,
};
const create: CreateRegistry = { type: 'CreateRegistry', data };
const created: RegistryCreated = { type: 'RegistryCreated', data };
const removed: RegistryRemoved = {
  type: 'RegistryRemoved',
  data: { grid: 'g', name: 'registry.example.com', reason: 'deleted' },
};

describe('registry decider', () => {
  it('creates a registry with its sealed password', () => {
    spec.given([]).when(create).then([created]);
  });

  it('refuses a duplicate name (where Kontena answered 201 without saving)', () => {
    spec
      .given([created])
      .when(create)
      .thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ name: 'is already taken' }));
  });

  it('allows the name of a removed registry again', () => {
    spec.given([created, removed]).when(create).then([created]);
  });

  it('removes a registry', () => {
    spec
      .given([created])
      .when({ type: 'RemoveRegistry', data: { reason: 'deleted' } })
      .then([removed]);
  });

  it('answers not found when a user deletes a missing registry', () => {
    spec
      .given([])
      .when({ type: 'RemoveRegistry', data: { reason: 'deleted' } })
      .thenFails(NotFound);
    spec
      .given([created, removed])
      .when({ type: 'RemoveRegistry', data: { reason: 'deleted' } })
      .thenFails(NotFound);
  });

  it('is idempotent when the grid is removed', () => {
    spec
      .given([created])
      .when({ type: 'RemoveRegistry', data: { reason: 'grid_removed' } })
      .then([
        {
          type: 'RegistryRemoved',
          data: { grid: 'g', name: 'registry.example.com', reason: 'grid_removed' },
        },
      ]);
    spec
      .given([created, removed])
      .when({ type: 'RemoveRegistry', data: { reason: 'grid_removed' } })
      .then([]);
  });
});
