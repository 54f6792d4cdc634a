import fc from 'fast-check';
import { deciderSpecification, testContext } from '@libs/testing';
import { AgentRefused } from '../node/agent-refusal';
import { fold, isDomainError } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { GridCommand } from './grid.commands';
import { gridDecider } from './grid.decider';
import type { GridCreated, GridEvent } from './grid.events';
import type { NodeClaim } from './node-claims';

const spec = deciderSpecification(gridDecider, testContext);
const sealed = { key_id: 'k1', alg: 'A256GCM' as const, iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const created: GridCreated = {
  type: 'GridCreated',
  data: {
    name: 'g',
    initial_size: 3,
    subnet: '10.81.0.0/16',
    supernet: '10.80.0.0/12',
    data_key_id: 'k1',
    token: sealed,
    token_hash: 'h',
    users: ['admin'],
    default_affinity: [],
    trusted_subnets: [],
    stats: { statsd: null },
    logs: null,
  },
};
const claim = (
  node: string,
  agent_node_id: string | null = null,
  rename_on_conflict = false,
  node_exists = true,
): GridCommand => ({
  type: 'ClaimNodeNumber',
  data: { node, agent_node_id, rename_on_conflict, node_exists },
});
const claimed = (number: number, node: string, agent_node_id: string | null = null): GridEvent => ({
  type: 'NodeNumberClaimed',
  data: { number, node, agent_node_id },
});
const released = (number: number, node: string): GridEvent => ({
  type: 'NodeNumberReleased',
  data: { number, node },
});

describe('node number claims on the grid stream', () => {
  it('gives the first node number 1 and the next the lowest free number', () => {
    spec
      .given([created])
      .when(claim('a'))
      .then([claimed(1, 'a')]);
    spec
      .given([created, claimed(1, 'a'), claimed(2, 'b')])
      .when(claim('c'))
      .then([claimed(3, 'c')]);
  });

  it('reuses a released number, lowest first', () => {
    spec
      .given([created, claimed(1, 'a'), claimed(2, 'b'), claimed(3, 'c'), released(2, 'b')])
      .when(claim('d'))
      .then([claimed(2, 'd')]);
    spec
      .given([created, claimed(1, 'a'), claimed(2, 'b'), claimed(3, 'c'), released(3, 'c'), released(1, 'a')])
      .when(claim('e', 'E:1'))
      .then([claimed(1, 'e', 'E:1')]);
  });

  it('refuses the 255th node: numbers stop at 254', () => {
    const full = Array.from({ length: 254 }, (_, i) => claimed(i + 1, `n${i + 1}`));
    spec
      .given([created, ...full])
      .when(claim('one-more'))
      .thenFails(ValidationFailed, (e) =>
        expect(e.errors).toEqual({ grid: 'Node numbers not available. Grid is full?' }),
      );
    spec
      .given([created, ...full, released(200, 'n200')])
      .when(claim('one-more'))
      .then([claimed(200, 'one-more')]);
  });

  it("refuses a taken name for API creation with Kontena's message", () => {
    spec
      .given([created, claimed(1, 'a')])
      .when(claim('a'))
      .thenFails(ValidationFailed, (e) =>
        expect(e.errors).toEqual({ name: 'Node with name a already exists' }),
      );
  });

  it('renames a grid-token registration on a name conflict to <name>-<node_number>', () => {
    spec
      .given([created, claimed(1, 'host')])
      .when(claim('host', 'X:1', true))
      .then([claimed(2, 'host-2', 'X:1')]);
  });

  it('extends the rename when <name>-<node_number> is taken as well', () => {
    spec
      .given([created, claimed(1, 'host'), claimed(3, 'host-2')])
      .when(claim('host', 'X:1', true))
      .then([claimed(2, 'host-2-2', 'X:1')]);
  });

  it('appends nothing for an agent that already has a number (a retried or racing registration)', () => {
    spec
      .given([created, claimed(1, 'host', 'X:1')])
      .when(claim('host', 'X:1', true))
      .then([]);
    spec
      .given([created, claimed(1, 'host', 'X:1')])
      .when(claim('other-name', 'X:1', true))
      .then([]);
  });

  it('reuses the claim of an interrupted creation of the same name', () => {
    spec
      .given([created, claimed(1, 'a')])
      .when(claim('a', null, false, false))
      .then([]);
  });

  it("does not hand an interrupted API creation's name to an agent, but renames", () => {
    spec
      .given([created, claimed(1, 'a')])
      .when(claim('a', 'X:1', true, false))
      .then([claimed(2, 'a-2', 'X:1')]);
  });

  it("releases a removed node's number once", () => {
    spec
      .given([created, claimed(1, 'a')])
      .when({ type: 'ReleaseNodeNumber', data: { node: 'a' } })
      .then([released(1, 'a')]);
    spec
      .given([created, claimed(1, 'a'), released(1, 'a')])
      .when({ type: 'ReleaseNodeNumber', data: { node: 'a' } })
      .then([]);
  });

  it('refuses claims in a grid that does not exist or was removed', () => {
    spec.given([]).when(claim('a')).thenFails(NotFound);
    spec
      .given([created, { type: 'GridRemoved', data: { name: 'g' } }])
      .when(claim('a'))
      .thenFails(NotFound);
  });

  it('keeps a grid with claimed numbers from being removed, even when the read model shows no nodes yet', () => {
    spec
      .given([created, claimed(1, 'a')])
      .when({ type: 'RemoveGrid', data: { hasNodes: false, hasServices: false } })
      .thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ grid: 'Grid has nodes' }));
    spec
      .given([created, claimed(1, 'a'), released(1, 'a')])
      .when({ type: 'RemoveGrid', data: { hasNodes: false, hasServices: false } })
      .then([{ type: 'GridRemoved', data: { name: 'g' } }]);
  });

  describe('agent node ids bound through node tokens (kontena-behaviour.md §7)', () => {
    const bind = (node: string, agent_node_id: string): GridCommand => ({
      type: 'ClaimNodeAgent',
      data: { node, agent_node_id },
    });

    it('records the agent node id of a node on first use of its token', () => {
      spec
        .given([created, claimed(1, 'a')])
        .when(bind('a', 'X:1'))
        .then([{ type: 'NodeAgentClaimed', data: { number: 1, node: 'a', agent_node_id: 'X:1' } }]);
      spec
        .given([created, claimed(1, 'a', 'X:1')])
        .when(bind('a', 'X:1'))
        .then([]);
    });

    it('refuses an agent node id another node has (4006)', () => {
      spec
        .given([created, claimed(1, 'a'), claimed(2, 'b', 'X:1')])
        .when(bind('a', 'X:1'))
        .thenFails(AgentRefused, (e) => expect(e.code).toBe(4006));
    });

    it('refuses a node already bound to another agent (4003)', () => {
      spec
        .given([created, claimed(1, 'a', 'Y:1')])
        .when(bind('a', 'X:1'))
        .thenFails(AgentRefused, (e) => expect(e.code).toBe(4003));
    });

    it('keeps the binding for a later grid-token registration of the same agent', () => {
      spec
        .given([
          created,
          claimed(1, 'a'),
          { type: 'NodeAgentClaimed', data: { number: 1, node: 'a', agent_node_id: 'X:1' } },
        ])
        .when(claim('x', 'X:1', true))
        .then([]);
    });
  });

  it('keeps numbers, names and agent ids unique, each number the lowest free one, under any interleaving of registrations and removals', () => {
    type Step =
      | { kind: 'api' | 'agent'; name: string; agent: string; exists: boolean }
      | { kind: 'remove'; pick: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constantFrom('api' as const, 'agent' as const),
        name: fc.constantFrom('a', 'a-2', 'a-3', 'b'),
        agent: fc.constantFrom('X:1', 'X:2', 'X:3', 'X:4'),
        exists: fc.boolean(),
      }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let history: GridEvent[] = [created];
        const claims = (): readonly NodeClaim[] => {
          const state = fold(gridDecider, history);
          return state.status === 'active' ? state.node_claims : [];
        };
        for (const s of steps) {
          const before = claims();
          const command: GridCommand =
            s.kind === 'remove'
              ? {
                  type: 'ReleaseNodeNumber',
                  data: { node: before.length ? before[s.pick % before.length].node : 'none' },
                }
              : claim(s.name, s.kind === 'agent' ? s.agent : null, s.kind === 'agent', s.exists);
          const decision = gridDecider.decide(command, fold(gridDecider, history), testContext);
          if (isDomainError(decision)) {
            expect(decision).toBeInstanceOf(ValidationFailed);
            continue;
          }
          for (const event of decision) {
            if (event.type === 'NodeNumberClaimed') {
              const free = Array.from({ length: 254 }, (_, i) => i + 1).filter(
                (n) => !before.some((c) => c.number === n),
              );
              expect(event.data.number).toBe(free[0]);
            }
          }
          history = [...history, ...decision];
          const after = claims();
          const agents = after.map((c) => c.agent_node_id).filter((a) => a !== null);
          expect(new Set(after.map((c) => c.number)).size).toBe(after.length);
          expect(new Set(after.map((c) => c.node)).size).toBe(after.length);
          expect(new Set(agents).size).toBe(agents.length);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
