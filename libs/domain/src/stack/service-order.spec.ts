import fc from 'fast-check';
import { localLinks, orderServicesByLinks, StackServiceInput } from './service-order';

const svc = (name: string, ...links: string[]): StackServiceInput => ({
  name,
  image: 'x',
  links: links.map((l) => ({ name: l, alias: l })),
});
const names = (result: ReturnType<typeof orderServicesByLinks>) =>
  'order' in result ? result.order.map((s) => s.name) : result.error;

describe('ordering stack services by their links', () => {
  it('puts linked services first and keeps the given order otherwise', () => {
    expect(
      names(orderServicesByLinks([svc('web', 'api'), svc('api', 'db'), svc('db'), svc('cache')])),
    ).toEqual(['db', 'cache', 'api', 'web']);
  });

  it('ignores links to other stacks', () => {
    expect(names(orderServicesByLinks([svc('web', 'other/api'), svc('api')]))).toEqual(['web', 'api']);
  });

  it("reports a missing link with Kontena's message", () => {
    expect(orderServicesByLinks([svc('api', 'redis')])).toEqual({
      error: { kind: 'missing', service: 'api', message: 'service api has missing links: redis' },
    });
  });

  it("reports recursive links with Kontena's message, Ruby's inspect included", () => {
    expect(orderServicesByLinks([svc('api', 'api')])).toEqual({
      error: {
        kind: 'recursive',
        service: 'api',
        message: 'service api has recursive links: ["api", [...]]',
      },
    });
    expect(orderServicesByLinks([svc('api', 'bar'), svc('bar', 'api')])).toEqual({
      error: {
        kind: 'recursive',
        service: 'api',
        message: 'service api has recursive links: ["bar", ["api", [...]]]',
      },
    });
    // kontena spec/mutations/stacks/sort_spec.rb
    expect(orderServicesByLinks([svc('foo', 'asdf'), svc('bar', 'foo'), svc('asdf', 'bar')])).toEqual({
      error: {
        kind: 'recursive',
        service: 'foo',
        message: 'service foo has recursive links: ["asdf", ["bar", ["foo", [...]]]]',
      },
    });
  });

  it('tolerates malformed services and links (their own validation reports them)', () => {
    expect(localLinks({ links: 'nope' })).toEqual([]);
    expect(localLinks({ links: [null, 3, { name: 4 }, { name: 'db' }] })).toEqual(['db']);
    expect(names(orderServicesByLinks([{ image: 'x' }, svc('a')]))).toEqual([undefined, 'a']);
  });

  it('always puts a service after its links, or reports missing or recursive links (property)', () => {
    const pool = ['a', 'b', 'c', 'd', 'e', 'f'];
    const services = fc
      .uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 6 })
      .chain((chosen) =>
        fc.tuple(
          ...chosen.map((name) =>
            fc.array(fc.constantFrom(...pool, 'x/y'), { maxLength: 3 }).map((links) => svc(name, ...links)),
          ),
        ),
      );
    fc.assert(
      fc.property(services, (list) => {
        const result = orderServicesByLinks(list);
        const defined = new Set(list.map((s) => s.name as string));
        const hasMissing = list.some((s) => localLinks(s).some((l) => !defined.has(l)));
        if ('error' in result) {
          if (result.error.kind === 'missing') expect(hasMissing).toBe(true);
          else expect(hasMissing).toBe(false);
          return;
        }
        expect(hasMissing).toBe(false);
        expect(result.order).toHaveLength(list.length);
        const position = new Map(result.order.map((s, i) => [s.name as string, i]));
        for (const service of list) {
          for (const link of localLinks(service))
            expect(position.get(link)!).toBeLessThan(position.get(service.name as string)!);
        }
      }),
    );
  });

  it('reports recursion exactly when the local links have a cycle (property)', () => {
    const pool = ['a', 'b', 'c', 'd'];
    const graph = fc.tuple(...pool.map(() => fc.subarray(pool)));
    fc.assert(
      fc.property(graph, (edges) => {
        const list = pool.map((name, i) => svc(name, ...edges[i]));
        const cyclic = (() => {
          const state = new Map<string, 'open' | 'done'>();
          const visit = (n: string): boolean => {
            if (state.get(n) === 'open') return true;
            if (state.get(n) === 'done') return false;
            state.set(n, 'open');
            const found = edges[pool.indexOf(n)].some(visit);
            state.set(n, 'done');
            return found;
          };
          return pool.some(visit);
        })();
        const result = orderServicesByLinks(list);
        expect('error' in result && result.error.kind === 'recursive').toBe(cyclic);
      }),
    );
  });
});
