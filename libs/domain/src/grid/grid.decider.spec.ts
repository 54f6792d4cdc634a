import { deciderSpecification, testContext } from '@libs/testing';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { CreateGrid } from './grid.commands';
import { gridDecider } from './grid.decider';
import type { GridCreated } from './grid.events';

const spec = deciderSpecification(gridDecider, testContext);
const sealed = { key_id: 'k1', alg: 'A256GCM' as const, iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const settings = { default_affinity: [], trusted_subnets: [], stats: { statsd: null }, logs: null };
const create: CreateGrid = {
  type: 'CreateGrid',
  data: { name: 'my-grid', initial_size: 3, subnet: '10.81.0.0/16', supernet: '10.80.0.0/12', data_key_id: 'k1', token: sealed, token_hash: 'h', creator: 'admin', ...settings },
};
const created: GridCreated = {
  type: 'GridCreated',
  data: { name: 'my-grid', initial_size: 3, subnet: '10.81.0.0/16', supernet: '10.80.0.0/12', data_key_id: 'k1', token: sealed, token_hash: 'h', users: ['admin'], ...settings },
};

describe('grid decider', () => {
  it('creates a grid with its creator as the first user', () => {
    spec.given([]).when(create).then([created]);
  });

  it('refuses a name that is taken, with Kontena\'s message', () => {
    spec.given([created]).when(create).thenFails(ValidationFailed, (e) =>
      expect(e.errors).toEqual({ grid: 'Grid with name my-grid already exists' }),
    );
  });

  it('allows the name of a removed grid again', () => {
    spec.given([created, { type: 'GridRemoved', data: { name: 'my-grid' } }]).when(create).then([created]);
  });

  it('records only the settings an update changes', () => {
    spec
      .given([created])
      .when({ type: 'UpdateGrid', data: { trusted_subnets: ['10.0.0.0/8'], default_affinity: [] } })
      .then([{ type: 'GridUpdated', data: { trusted_subnets: ['10.0.0.0/8'] } }]);
  });

  it('appends nothing for an update that changes nothing', () => {
    spec.given([created]).when({ type: 'UpdateGrid', data: { default_affinity: [] } }).then([]);
  });

  it('answers not found for a grid that does not exist or was removed', () => {
    spec.given([]).when({ type: 'UpdateGrid', data: {} }).thenFails(NotFound);
    spec.given([created, { type: 'GridRemoved', data: { name: 'my-grid' } }]).when({ type: 'AssignGridUser', data: { email: 'a@b.c' } }).thenFails(NotFound);
  });

  it('assigns a user once', () => {
    spec.given([created]).when({ type: 'AssignGridUser', data: { email: 'a@b.c' } }).then([{ type: 'GridUserAssigned', data: { email: 'a@b.c' } }]);
    spec.given([created, { type: 'GridUserAssigned', data: { email: 'a@b.c' } }]).when({ type: 'AssignGridUser', data: { email: 'a@b.c' } }).then([]);
  });

  it('never removes the last user', () => {
    spec.given([created]).when({ type: 'UnassignGridUser', data: { email: 'admin' } }).thenFails(ValidationFailed, (e) =>
      expect(e.errors).toEqual({ grid: 'Cannot remove last user' }),
    );
    spec
      .given([created, { type: 'GridUserAssigned', data: { email: 'a@b.c' } }])
      .when({ type: 'UnassignGridUser', data: { email: 'admin' } })
      .then([{ type: 'GridUserUnassigned', data: { email: 'admin' } }]);
  });

  it('refuses to unassign someone who is not a user of the grid', () => {
    spec.given([created]).when({ type: 'UnassignGridUser', data: { email: 'x@y.z' } }).thenFails(ValidationFailed, (e) =>
      expect(e.errors).toEqual({ user: 'Invalid user' }),
    );
  });

  it('lets a removed user leave even as the last user, and ignores one who already left', () => {
    spec
      .given([created])
      .when({ type: 'UnassignGridUser', data: { email: 'admin', userRemoved: true } })
      .then([{ type: 'GridUserUnassigned', data: { email: 'admin' } }]);
    spec.given([created]).when({ type: 'UnassignGridUser', data: { email: 'x@y.z', userRemoved: true } }).then([]);
  });

  it('refuses to remove a grid that still has services or nodes', () => {
    spec.given([created]).when({ type: 'RemoveGrid', data: { hasNodes: false, hasServices: true } }).thenFails(ValidationFailed, (e) =>
      expect(e.errors).toEqual({ grid: 'Grid has services' }),
    );
    spec.given([created]).when({ type: 'RemoveGrid', data: { hasNodes: true, hasServices: false } }).thenFails(ValidationFailed, (e) =>
      expect(e.errors).toEqual({ grid: 'Grid has nodes' }),
    );
    spec.given([created]).when({ type: 'RemoveGrid', data: { hasNodes: false, hasServices: false } }).then([{ type: 'GridRemoved', data: { name: 'my-grid' } }]);
  });
});
