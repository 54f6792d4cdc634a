import type { ContainerLogEntry } from '@libs/read-model';
import {
  containerLineFilters,
  gridLineFilters,
  LineFilter,
  serviceLineFilters,
  stackLineFilters,
} from './container-log-filters';

function line(stack: string, service: string, n: number, node: string, data: string): ContainerLogEntry {
  const name = stack === 'null' ? `${service}-${n}` : `${stack}.${service}-${n}`;
  return {
    name,
    container_id: `g/${node}/${name}`,
    instance_number: n,
    service: { id: `g/${stack}/${service}`, name: service },
    stack: { id: `g/${stack}`, name: stack },
    grid: { id: 'g', name: 'g' },
    node: { name: node },
    created_at: '2017-01-01T12:00:00.000Z',
    type: 'stdout',
    data,
  };
}

const lines = [
  line('shop', 'web', 1, 'node-1', 'GET / 200'),
  line('shop', 'web', 2, 'node-2', 'GET /health 200'),
  line('shop', 'api', 1, 'node-1', 'Connection REFUSED'),
  line('null', 'redis', 1, 'node-2', 'Ready to accept connections'),
];

function kept(parsed: { ok: true; value: LineFilter | undefined } | { ok: false }): string[] {
  if (!parsed.ok) throw new Error('refused');
  return lines.filter((l) => !parsed.value || parsed.value(l)).map((l) => `${l.name}: ${l.data}`);
}

describe('container log filters', () => {
  it('keep every line without parameters', () => {
    expect(gridLineFilters('g', {})).toEqual({ ok: true, value: undefined });
    expect(stackLineFilters({ container: '', search: '' })).toEqual({ ok: true, value: undefined });
    expect(serviceLineFilters({})).toEqual({ ok: true, value: undefined });
  });

  it("take a grid's containers, nodes and services (a bare service name is stack-less), all lists together", () => {
    expect(kept(gridLineFilters('g', { containers: 'shop.web-1, redis-1' }))).toEqual([
      'shop.web-1: GET / 200',
      'redis-1: Ready to accept connections',
    ]);
    expect(kept(gridLineFilters('g', { nodes: 'node-2' }))).toEqual([
      'shop.web-2: GET /health 200',
      'redis-1: Ready to accept connections',
    ]);
    expect(kept(gridLineFilters('g', { services: 'redis,shop/api' }))).toEqual([
      'shop.api-1: Connection REFUSED',
      'redis-1: Ready to accept connections',
    ]);
    expect(kept(gridLineFilters('g', { services: 'shop/web', nodes: 'node-2' }))).toEqual([
      'shop.web-2: GET /health 200',
    ]);
  });

  it('match nothing for unknown names, as Kontena', () => {
    expect(kept(gridLineFilters('g', { services: 'nope' }))).toEqual([]);
    expect(kept(gridLineFilters('g', { nodes: 'node-9' }))).toEqual([]);
  });

  it("take a stack's or service's container and instance, and search lines in any case", () => {
    expect(kept(stackLineFilters({ container: 'shop.api-1' }))).toEqual(['shop.api-1: Connection REFUSED']);
    expect(kept(stackLineFilters({ search: 'refused' }))).toEqual(['shop.api-1: Connection REFUSED']);
    expect(kept(serviceLineFilters({ instance: '2' }))).toEqual(['shop.web-2: GET /health 200']);
    expect(kept(serviceLineFilters({ instance: '1', search: 'get' }))).toEqual(['shop.web-1: GET / 200']);
  });

  it('say which parameter is wrong', () => {
    expect(serviceLineFilters({ instance: 'abc', container: ['a', { b: 1 }], search: { x: 'y' } })).toEqual({
      ok: false,
      errors: {
        instance: 'Instance must be an instance number',
        container: 'Container must be a container name',
        search: 'Search must be text',
      },
    });
    expect(gridLineFilters('g', { containers: { a: 'b' }, nodes: ['x', { y: 1 }] })).toEqual({
      ok: false,
      errors: {
        containers: 'Containers must be a comma-separated list',
        nodes: 'Nodes must be a comma-separated list',
      },
    });
  });

  it("keeps one container's lines by its path, and searches them", () => {
    expect(kept(containerLineFilters('g/node-2/shop.web-2', {}))).toEqual(['shop.web-2: GET /health 200']);
    // The same name on another node is another container (the instance before it moved).
    expect(kept(containerLineFilters('g/node-1/shop.web-2', {}))).toEqual([]);
    expect(kept(containerLineFilters('g/node-1/shop.web-1', { search: 'get /' }))).toEqual([
      'shop.web-1: GET / 200',
    ]);
    expect(kept(containerLineFilters('g/node-1/shop.web-1', { search: 'health' }))).toEqual([]);
    expect(containerLineFilters('g/node-1/shop.web-1', { search: { a: 1 } })).toEqual({
      ok: false,
      errors: { search: 'Search must be text' },
    });
  });
});
