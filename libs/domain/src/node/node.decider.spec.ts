import fc from 'fast-check';
import { deciderSpecification, testContext } from '@libs/testing';
import { fold } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import { AgentRefused } from './agent-refusal';
import type { CreateNode, NodeCommand, RegisterAgentNode } from './node.commands';
import { nodeDecider } from './node.decider';
import type { NodeCreated, NodeEvent, NodeInfo } from './node.events';

const spec = deciderSpecification(nodeDecider, testContext);
const at = testContext.now.toISOString();
const sealed = { key_id: 'k1', alg: 'A256GCM' as const, iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const placement = {
  grid: 'g',
  name: 'node-1',
  node_number: 1,
  initial_member: true,
  overlay_ip: '10.81.0.1',
};

const create: CreateNode = {
  type: 'CreateNode',
  data: { ...placement, labels: ['az=a'], token: sealed, token_hash: 'h1' },
};
const created: NodeCreated = {
  type: 'NodeCreated',
  data: { ...placement, labels: ['az=a'], token: sealed, token_hash: 'h1', agent_node_id: null },
};
const register: RegisterAgentNode = {
  type: 'RegisterAgentNode',
  data: { ...placement, labels: ['ssd'], agent_node_id: 'AAAA:BBBB', token: sealed, token_hash: 'hr' },
};
const registered: NodeCreated = {
  type: 'NodeCreated',
  data: { ...placement, labels: ['ssd'], token: sealed, token_hash: 'hr', agent_node_id: 'AAAA:BBBB' },
};
const removed: NodeEvent = { type: 'NodeRemoved', data: { grid: 'g', name: 'node-1' } };
const bound: NodeEvent = { type: 'NodeAgentBound', data: { agent_node_id: 'AAAA:BBBB' } };
const connected: NodeEvent = { type: 'NodeConnected', data: { connected_at: at } };
const viaNodeToken = (
  token_hash: string,
  agent_node_id = 'AAAA:BBBB',
  labels: string[] = [],
): NodeCommand => ({
  type: 'ConnectAgent',
  data: { agent_node_id, credential: { kind: 'node_token', token_hash }, labels },
});
const issued = { token: sealed, token_hash: 'hg' };
const viaGridToken = (agent_node_id = 'AAAA:BBBB'): NodeCommand => ({
  type: 'ConnectAgent',
  data: { agent_node_id, credential: { kind: 'grid_token', new_token: issued }, labels: [] },
});
const tokenIssued: NodeEvent = { type: 'NodeTokenChanged', data: issued };
const tokenCleared: NodeEvent = { type: 'NodeTokenCleared', data: {} };
const info: Partial<NodeInfo> = {
  os: 'Ubuntu 24.04',
  cpus: 4,
  mem_total: 8_000_000_000,
  private_ip: '192.168.1.10',
  agent_version: '0.1.0',
};

describe('node decider', () => {
  describe('creation through the API', () => {
    it('creates a node with its sealed token and no agent yet', () => {
      spec.given([]).when(create).then([created]);
    });

    it("refuses a name that is taken, with Kontena's message", () => {
      spec
        .given([created])
        .when(create)
        .thenFails(ValidationFailed, (e) =>
          expect(e.errors).toEqual({ name: 'Node with name node-1 already exists' }),
        );
    });

    it('allows the name of a removed node again', () => {
      spec.given([created, removed]).when(create).then([created]);
    });
  });

  describe('creation by an agent with the grid token', () => {
    it('creates the node bound to the agent node id, with the node token it will use from now on', () => {
      spec.given([]).when(register).then([registered]);
    });

    it('is idempotent for the same agent (a retried or racing registration)', () => {
      spec.given([registered]).when(register).then([]);
    });

    it('refuses when another node holds the name, so the caller can rename', () => {
      spec
        .given([created])
        .when(register)
        .thenFails(ValidationFailed, (e) =>
          expect(e.errors).toEqual({ name: 'Node with name node-1 already exists' }),
        );
    });
  });

  describe('commands on a node that does not exist', () => {
    const commands: NodeCommand[] = [
      { type: 'UpdateNode', data: { labels: [] } },
      { type: 'ChangeNodeToken', data: { token: sealed, token_hash: 'h', reset_connection: false } },
      { type: 'ClearNodeToken', data: { reset_connection: false } },
      viaGridToken(),
      { type: 'ReportNodeInfo', data: { info } },
      { type: 'DisconnectNode', data: { code: 4030, reason: 'ping timeout' } },
      { type: 'RemoveNode', data: {} },
    ];
    it.each(commands.map((c) => [c.type, c]))(
      '%s answers not found, also after removal',
      (_type, command) => {
        spec.given([]).when(command).thenFails(NotFound);
        spec.given([created, removed]).when(command).thenFails(NotFound);
      },
    );
  });

  describe('update', () => {
    it('replaces labels wholesale and changes availability, each as its own event', () => {
      spec
        .given([created])
        .when({ type: 'UpdateNode', data: { labels: ['foo=1', 'bar=2'], availability: 'drain' } })
        .then([
          { type: 'NodeLabelsChanged', data: { labels: ['foo=1', 'bar=2'] } },
          { type: 'NodeAvailabilityChanged', data: { availability: 'drain' } },
        ]);
    });

    it('appends nothing when nothing changes', () => {
      spec
        .given([created])
        .when({ type: 'UpdateNode', data: { labels: ['az=a'], availability: 'active' } })
        .then([]);
      spec.given([created]).when({ type: 'UpdateNode', data: {} }).then([]);
    });

    it('clears labels with an empty list', () => {
      spec
        .given([created])
        .when({ type: 'UpdateNode', data: { labels: [] } })
        .then([{ type: 'NodeLabelsChanged', data: { labels: [] } }]);
    });
  });

  describe('node token', () => {
    const change = (token_hash: string, reset_connection = false): NodeCommand => ({
      type: 'ChangeNodeToken',
      data: { token: sealed, token_hash, reset_connection },
    });

    it('records a new token', () => {
      spec
        .given([created])
        .when(change('h2'))
        .then([{ type: 'NodeTokenChanged', data: { token: sealed, token_hash: 'h2' } }]);
    });

    it('records nothing when the token is the same', () => {
      spec.given([created]).when(change('h1')).then([]);
    });

    it('cuts a connected agent off when asked to reset the connection (Kontena close code 4031)', () => {
      spec
        .given([created, bound, connected])
        .when(change('h2', true))
        .then([
          { type: 'NodeTokenChanged', data: { token: sealed, token_hash: 'h2' } },
          { type: 'NodeDisconnected', data: { disconnected_at: at, code: 4031, reason: 'node token reset' } },
        ]);
    });

    it('leaves a connected agent alone without reset_connection, and an offline one either way', () => {
      spec
        .given([created, bound, connected])
        .when(change('h2'))
        .then([{ type: 'NodeTokenChanged', data: { token: sealed, token_hash: 'h2' } }]);
      spec
        .given([created])
        .when(change('h2', true))
        .then([{ type: 'NodeTokenChanged', data: { token: sealed, token_hash: 'h2' } }]);
    });

    it('clears the token, resetting the connection when asked', () => {
      spec
        .given([created])
        .when({ type: 'ClearNodeToken', data: { reset_connection: false } })
        .then([{ type: 'NodeTokenCleared', data: {} }]);
      spec
        .given([created, bound, connected])
        .when({ type: 'ClearNodeToken', data: { reset_connection: true } })
        .then([
          { type: 'NodeTokenCleared', data: {} },
          { type: 'NodeDisconnected', data: { disconnected_at: at, code: 4031, reason: 'node token reset' } },
        ]);
    });

    it('clearing a node without a token changes nothing', () => {
      spec
        .given([created, tokenCleared])
        .when({ type: 'ClearNodeToken', data: { reset_connection: false } })
        .then([]);
    });
  });

  describe('agent connection (kontena-behaviour.md §7)', () => {
    it("binds the agent node id on the node token's first use, adds the agent's labels and connects", () => {
      spec
        .given([created])
        .when(viaNodeToken('h1', 'AAAA:BBBB', ['az=a', 'ssd', 'ssd']))
        .then([bound, { type: 'NodeLabelsChanged', data: { labels: ['az=a', 'ssd'] } }, connected]);
    });

    it('reconnects a bound agent with its node token', () => {
      spec.given([created, bound]).when(viaNodeToken('h1')).then([connected]);
    });

    it('appends nothing for an agent that is already connected', () => {
      spec.given([created, bound, connected]).when(viaNodeToken('h1')).then([]);
      spec.given([registered, connected]).when(viaNodeToken('hr')).then([]);
    });

    it("refuses a token that is not the node's, e.g. after a reset (4002)", () => {
      spec
        .given([created, { type: 'NodeTokenChanged', data: { token: sealed, token_hash: 'h2' } }])
        .when(viaNodeToken('h1'))
        .thenFails(AgentRefused, (e) => expect([e.code, e.message]).toEqual([4002, 'Invalid node token']));
      spec
        .given([created, { type: 'NodeTokenCleared', data: {} }])
        .when(viaNodeToken('h1'))
        .thenFails(AgentRefused, (e) => expect(e.code).toBe(4002));
    });

    it('refuses a node token already bound to another agent node id (4003)', () => {
      spec
        .given([created, bound])
        .when(viaNodeToken('h1', 'CCCC:DDDD'))
        .thenFails(AgentRefused, (e) =>
          expect([e.code, e.message]).toEqual([4003, 'Invalid node token, already used by a different node']),
        );
    });

    it('refuses the grid token for a node that has a node token (4005)', () => {
      spec
        .given([created, bound])
        .when(viaGridToken())
        .thenFails(AgentRefused, (e) =>
          expect([e.code, e.message]).toEqual([
            4005,
            'Invalid grid token, node was created using a node token',
          ]),
        );
    });

    it('refuses the grid token for a node it registered: the agent moved to its node token (DESIGN.md §6)', () => {
      spec
        .given([registered])
        .when(viaGridToken())
        .thenFails(AgentRefused, (e) => expect(e.code).toBe(4005));
    });

    it('accepts the grid token again once the node token is cleared, and issues a new node token', () => {
      spec.given([created, bound, tokenCleared]).when(viaGridToken()).then([tokenIssued, connected]);
      spec.given([registered, connected, tokenCleared]).when(viaGridToken()).then([tokenIssued]);
    });

    it("refuses the grid token from a different agent than the node's (4006)", () => {
      spec
        .given([registered, tokenCleared])
        .when(viaGridToken('CCCC:DDDD'))
        .thenFails(AgentRefused, (e) => expect(e.code).toBe(4006));
    });

    it('disconnects a connected node once', () => {
      const disconnect: NodeCommand = {
        type: 'DisconnectNode',
        data: { code: 4030, reason: 'ping timeout' },
      };
      spec
        .given([registered, connected])
        .when(disconnect)
        .then([
          { type: 'NodeDisconnected', data: { disconnected_at: at, code: 4030, reason: 'ping timeout' } },
        ]);
      spec.given([registered]).when(disconnect).then([]);
    });

    it('reconnects a disconnected node its agent is heard from again, once', () => {
      const reconnect: NodeCommand = { type: 'ReconnectNode', data: {} };
      const disconnected: NodeEvent = {
        type: 'NodeDisconnected',
        data: { disconnected_at: at, code: 4030, reason: 'heartbeat timeout' },
      };
      spec.given([registered, connected, disconnected]).when(reconnect).then([connected]);
      spec.given([registered, connected]).when(reconnect).then([]);
      // No agent ever registered for a node created through the api: nothing to hear from.
      spec.given([created]).when(reconnect).then([]);
      spec.given([created, removed]).when(reconnect).thenFails(NotFound);
    });
  });

  describe('node info', () => {
    it('records the first report after connecting, and only what changed afterwards', () => {
      const report: NodeCommand = { type: 'ReportNodeInfo', data: { info } };
      const reported: NodeEvent = { type: 'NodeInfoReported', data: info };
      spec.given([registered, connected]).when(report).then([reported]);
      spec.given([registered, connected, reported]).when(report).then([]);
      spec
        .given([registered, connected, reported])
        .when({ type: 'ReportNodeInfo', data: { info: { ...info, cpus: 8 } } })
        .then([{ type: 'NodeInfoReported', data: { cpus: 8 } }]);
    });

    it('marks the node up to date after a reconnect even when nothing changed', () => {
      const reported: NodeEvent = { type: 'NodeInfoReported', data: info };
      const disconnected: NodeEvent = {
        type: 'NodeDisconnected',
        data: { disconnected_at: at, code: 4030, reason: 'ping timeout' },
      };
      spec
        .given([registered, connected, reported, disconnected, connected])
        .when({ type: 'ReportNodeInfo', data: { info } })
        .then([{ type: 'NodeInfoReported', data: {} }]);
    });

    it("applies the engine's labels only to a node without labels", () => {
      const unlabelled: NodeCreated = { type: 'NodeCreated', data: { ...registered.data, labels: [] } };
      spec
        .given([unlabelled, connected])
        .when({ type: 'ReportNodeInfo', data: { info: {}, labels: ['region=eu'] } })
        .then([
          { type: 'NodeInfoReported', data: {} },
          { type: 'NodeLabelsChanged', data: { labels: ['region=eu'] } },
        ]);
      spec
        .given([registered, connected])
        .when({ type: 'ReportNodeInfo', data: { info: {}, labels: ['region=eu'] } })
        .then([{ type: 'NodeInfoReported', data: {} }]);
    });
  });

  it('removes a node', () => {
    spec.given([created]).when({ type: 'RemoveNode', data: {} }).then([removed]);
  });

  it('only ever appends events when the state changes (a second identical command appends nothing)', () => {
    const command = fc.oneof(
      fc
        .record({
          labels: fc.option(fc.array(fc.constantFrom('a', 'b=1', 'c'), { maxLength: 3 }), { nil: undefined }),
          availability: fc.option(fc.constantFrom('active' as const, 'drain' as const), { nil: undefined }),
        })
        .map((data): NodeCommand => ({
          type: 'UpdateNode',
          data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)),
        })),
      fc
        .record({ cpus: fc.integer({ min: 1, max: 4 }), os: fc.constantFrom('a', 'b') })
        .map((i): NodeCommand => ({ type: 'ReportNodeInfo', data: { info: i } })),
      fc.constantFrom<NodeCommand>(viaNodeToken('hr'), {
        type: 'DisconnectNode',
        data: { code: 4030, reason: 'x' },
      }),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 12 }), (commands) => {
        let history: NodeEvent[] = [registered];
        for (const c of commands) {
          const first = nodeDecider.decide(c, fold(nodeDecider, history), testContext);
          if (!Array.isArray(first)) throw new Error(`unexpected refusal of ${c.type}`);
          history = [...history, ...(first as NodeEvent[])];
          expect(nodeDecider.decide(c, fold(nodeDecider, history), testContext)).toEqual([]);
        }
      }),
    );
  });
});
