import fc from 'fast-check';
import { Actor, DomainEvent, SERVICE_DEFAULTS } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import {
  DeployDoc,
  EVENT_LOG_MAX_ENTRIES,
  EventLogEntry,
  ReadModelKeys,
  ReadModelReader,
  StackDeployDoc,
} from '@libs/read-model';
import { ENTRY_TABLES } from './event-log-entries';
import { eventLogsProjection } from './event-logs.projection';

const keys = new ReadModelKeys('t:', 1);
const AT = '2026-11-22T12:00:00.123Z';
const USER: Actor = { kind: 'user', userId: 'u1', email: 'admin@example.com' };
const SYSTEM: Actor = { kind: 'system', component: 'reconciler' };

const deploy: DeployDoc = {
  id: 'd1',
  service_id: 'g/web/api',
  stack_deploy_id: null,
  force: false,
  revision: 2,
  created_at: AT,
  queued_at: null,
  started_at: AT,
  finished_at: null,
  state: 'ongoing',
  reason: null,
  instance_deploys: [],
};
/** `hash('deploy-instances', 'd1')`: instance 2 is under way on n2. */
const INSTANCE_DEPLOYS: Record<string, string> = {
  '2': JSON.stringify({ instance_number: 2, node: 'n2', state: 'ongoing', error: null, seq: 3 }),
};
const stackDeploy: StackDeployDoc = {
  id: 'sd1',
  stack_id: 'g/web',
  created_at: AT,
  started_at: null,
  finished_at: null,
  state: 'created',
  reason: null,
  service_deploys: ['d1'],
};
const DOCS: Record<string, unknown> = { 'deploy:d1': deploy, 'stackdeploy:sd1': stackDeploy };
const reader = {
  keys,
  doc: async (type: string, id: string) => DOCS[`${type}:${id}`],
  field: async (kind: string, id: string, field: string) =>
    kind === 'deploy-instances' && id === 'd1' ? INSTANCE_DEPLOYS[field] : undefined,
} as unknown as ReadModelReader;

interface Filed {
  log: string;
  maxlen: number;
  ms: number;
  entry: EventLogEntry;
}

async function project(stream: string, event: DomainEvent, actor: Actor = USER): Promise<Filed[]> {
  const envelope: RecordedEnvelope = {
    id: 'e1',
    streamName: stream,
    revision: 0n,
    position: { commit: 1n, prepare: 1n },
    created: new Date('2030-01-01T00:00:00Z'),
    event,
    metadata: { actor, occurredAt: AT, schemaVersion: 1 },
  };
  const ops = await eventLogsProjection.project(envelope, reader);
  // One entry is one op, whatever number of logs it is filed in.
  expect(ops.length).toBeLessThanOrEqual(1);
  return ops.flatMap((op) => {
    if (op.op !== 'log') throw new Error(`unexpected op ${op.op}`);
    return op.logs.map((log) => ({
      log: log.key.slice(`${keys.root}eventlog:`.length),
      maxlen: log.maxlen,
      ms: op.ms,
      entry: JSON.parse(op.value) as EventLogEntry,
    }));
  });
}

const rel = {
  grid: { id: 'g', type: 'grid' },
  webStack: { id: 'g/web', type: 'stack' },
  nullStack: { id: 'g/null', type: 'stack' },
  api: { id: 'g/web/api', type: 'service' },
  redis: { id: 'g/null/redis', type: 'service' },
  n1: { id: 'g/n1', type: 'node' },
  n2: { id: 'g/n2', type: 'node' },
};
const SERVICE_LOGS = ['service:g/web/api', 'stack:g/web', 'grid:g'];

interface Case {
  stream: string;
  event: DomainEvent;
  actor?: Actor;
  /** `null`: the event is deliberately not logged. */
  expect: null | {
    type: string;
    severity: number;
    message: string;
    meta?: Record<string, unknown> | null;
    logs: string[];
    relationships: object[];
    closes?: boolean;
  };
}

const serviceDefinition = { ...SERVICE_DEFAULTS, image: 'redis:7', stateful: false, instances: 2 };

/** One case per event type: what it says, how severe, about what, in which logs. */
const CASES: Record<string, Case> = {
  GridCreated: {
    stream: 'grid-g',
    event: {
      type: 'GridCreated',
      data: {
        name: 'g',
        initial_size: 3,
        subnet: '',
        supernet: '',
        data_key_id: 'k',
        token: {},
        token_hash: 'h',
        users: [],
      },
    },
    expect: {
      type: 'grid:create',
      severity: 1,
      message: 'grid g created',
      meta: { initial_size: 3, user: 'admin@example.com' },
      logs: ['grid:g'],
      relationships: [rel.grid],
    },
  },
  GridUpdated: {
    stream: 'grid-g',
    event: { type: 'GridUpdated', data: { default_affinity: ['a==b'], trusted_subnets: [] } },
    expect: {
      type: 'grid:update',
      severity: 1,
      message: 'grid g updated: default_affinity, trusted_subnets',
      meta: { changes: ['default_affinity', 'trusted_subnets'], user: 'admin@example.com' },
      logs: ['grid:g'],
      relationships: [rel.grid],
    },
  },
  GridUserAssigned: {
    stream: 'grid-g',
    event: { type: 'GridUserAssigned', data: { email: 'bob@example.com' } },
    actor: SYSTEM,
    expect: {
      type: 'grid:assign_user',
      severity: 1,
      message: 'user bob@example.com assigned to grid g',
      meta: { email: 'bob@example.com' },
      logs: ['grid:g'],
      relationships: [rel.grid],
    },
  },
  GridUserUnassigned: {
    stream: 'grid-g',
    event: { type: 'GridUserUnassigned', data: { email: 'bob@example.com' } },
    actor: SYSTEM,
    expect: {
      type: 'grid:unassign_user',
      severity: 1,
      message: 'user bob@example.com unassigned from grid g',
      meta: { email: 'bob@example.com' },
      logs: ['grid:g'],
      relationships: [rel.grid],
    },
  },
  GridRemoved: {
    stream: 'grid-g',
    event: { type: 'GridRemoved', data: { name: 'g' } },
    actor: SYSTEM,
    expect: {
      type: 'grid:remove',
      severity: 1,
      message: 'grid g removed',
      meta: null,
      logs: ['grid:g'],
      relationships: [rel.grid],
      closes: true,
    },
  },

  NodeNumberClaimed: {
    stream: 'grid-g',
    event: { type: 'NodeNumberClaimed', data: { number: 1, node: 'n1', agent_node_id: null } },
    expect: null,
  },
  NodeAgentClaimed: {
    stream: 'grid-g',
    event: { type: 'NodeAgentClaimed', data: { number: 1, node: 'n1', agent_node_id: 'AB:CD' } },
    expect: null,
  },
  NodeNumberReleased: {
    stream: 'grid-g',
    event: { type: 'NodeNumberReleased', data: { number: 1, node: 'n1' } },
    expect: null,
  },

  NodeCreated: {
    stream: 'node-g/n1',
    event: {
      type: 'NodeCreated',
      data: {
        grid: 'g',
        name: 'n1',
        node_number: 1,
        initial_member: true,
        overlay_ip: '10.81.0.1',
        labels: ['az=a'],
        token: null,
        token_hash: 'h',
        agent_node_id: null,
      },
    },
    expect: {
      type: 'node:create',
      severity: 1,
      message: 'node g/n1 created',
      meta: { node_number: 1, labels: ['az=a'], user: 'admin@example.com' },
      logs: ['node:g/n1', 'grid:g'],
      relationships: [rel.grid, rel.n1],
    },
  },
  NodeLabelsChanged: {
    stream: 'node-g/n1',
    event: { type: 'NodeLabelsChanged', data: { labels: ['az=b'] } },
    expect: {
      type: 'node:update',
      severity: 1,
      message: 'node g/n1 labels changed',
      meta: { labels: ['az=b'], user: 'admin@example.com' },
      logs: ['node:g/n1', 'grid:g'],
      relationships: [rel.grid, rel.n1],
    },
  },
  NodeAvailabilityChanged: {
    stream: 'node-g/n1',
    event: { type: 'NodeAvailabilityChanged', data: { availability: 'drain' } },
    expect: {
      type: 'node:update',
      severity: 1,
      message: 'node g/n1 availability set to drain',
      meta: { availability: 'drain', user: 'admin@example.com' },
      logs: ['node:g/n1', 'grid:g'],
      relationships: [rel.grid, rel.n1],
    },
  },
  NodeTokenChanged: {
    stream: 'node-g/n1',
    event: { type: 'NodeTokenChanged', data: { token: { sealed: 'x' }, token_hash: 'secret-hash' } },
    expect: {
      type: 'node:token',
      severity: 1,
      message: 'node g/n1 token reset',
      meta: { user: 'admin@example.com' },
      logs: ['node:g/n1', 'grid:g'],
      relationships: [rel.grid, rel.n1],
    },
  },
  NodeTokenCleared: {
    stream: 'node-g/n1',
    event: { type: 'NodeTokenCleared', data: {} },
    expect: {
      type: 'node:token',
      severity: 1,
      message: 'node g/n1 token cleared',
      meta: { user: 'admin@example.com' },
      logs: ['node:g/n1', 'grid:g'],
      relationships: [rel.grid, rel.n1],
    },
  },
  NodeAgentBound: {
    stream: 'node-g/n1',
    event: { type: 'NodeAgentBound', data: { agent_node_id: 'AB:CD' } },
    actor: SYSTEM,
    expect: {
      type: 'node:register',
      severity: 1,
      message: 'node g/n1 bound to agent AB:CD',
      meta: { agent_node_id: 'AB:CD' },
      logs: ['node:g/n1', 'grid:g'],
      relationships: [rel.grid, rel.n1],
    },
  },
  NodeConnected: {
    stream: 'node-g/n1',
    event: { type: 'NodeConnected', data: { connected_at: AT } },
    actor: SYSTEM,
    expect: {
      type: 'node:connect',
      severity: 1,
      message: 'node g/n1 connected',
      meta: null,
      logs: ['node:g/n1', 'grid:g'],
      relationships: [rel.grid, rel.n1],
    },
  },
  NodeDisconnected: {
    stream: 'node-g/n1',
    event: { type: 'NodeDisconnected', data: { disconnected_at: AT, code: 4031, reason: 'token reset' } },
    actor: SYSTEM,
    expect: {
      type: 'node:disconnect',
      severity: 2,
      message: 'node g/n1 disconnected: token reset (4031)',
      meta: { code: 4031, reason: 'token reset' },
      logs: ['node:g/n1', 'grid:g'],
      relationships: [rel.grid, rel.n1],
    },
  },
  NodeInfoReported: {
    stream: 'node-g/n1',
    event: { type: 'NodeInfoReported', data: { os: 'linux' } },
    actor: SYSTEM,
    expect: null,
  },
  NodeRemoved: {
    stream: 'node-g/n1',
    event: { type: 'NodeRemoved', data: { grid: 'g', name: 'n1' } },
    expect: {
      type: 'node:remove',
      severity: 1,
      message: 'node g/n1 removed',
      meta: { user: 'admin@example.com' },
      logs: ['node:g/n1', 'grid:g'],
      relationships: [rel.grid, rel.n1],
      closes: true,
    },
  },

  ServiceCreated: {
    stream: 'service-g/null/redis',
    event: {
      type: 'ServiceCreated',
      data: {
        ...serviceDefinition,
        grid: 'g',
        stack: 'null',
        name: 'redis',
        revision: 1,
        stack_revision: null,
      },
    },
    expect: {
      type: 'service:create',
      severity: 1,
      message: 'service g/null/redis created',
      meta: { image: 'redis:7', instances: 2, revision: 1, user: 'admin@example.com' },
      // The null stack has no log of its own, but entries name it, as Kontena's did.
      logs: ['service:g/null/redis', 'grid:g'],
      relationships: [rel.grid, rel.nullStack, rel.redis],
    },
  },
  ServiceUpdated: {
    stream: 'service-g/web/api',
    event: {
      type: 'ServiceUpdated',
      data: { changes: { image: 'api:2', env: ['PASSWORD=hunter2'] }, revision: 3 },
    },
    expect: {
      type: 'service:update',
      severity: 1,
      message: 'service g/web/api updated (revision 3): image, env',
      meta: { revision: 3, changes: ['image', 'env'], user: 'admin@example.com' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  ServiceScaled: {
    stream: 'service-g/web/api',
    event: { type: 'ServiceScaled', data: { instances: 1 } },
    expect: {
      type: 'service:scale',
      severity: 1,
      message: 'service g/web/api scaled to 1 instance',
      meta: { instances: 1, user: 'admin@example.com' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  ServiceDeployRequested: {
    stream: 'service-g/web/api',
    event: {
      type: 'ServiceDeployRequested',
      data: { deploy_id: 'd1', stack_deploy_id: null, force: true, revision: 4 },
    },
    expect: {
      type: 'service:deploy',
      severity: 1,
      message: 'service g/web/api deploy requested (forced)',
      meta: { deploy_id: 'd1', stack_deploy_id: null, revision: 4, force: true, user: 'admin@example.com' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  ServiceStarted: {
    stream: 'service-g/web/api',
    event: { type: 'ServiceStarted', data: {} },
    expect: {
      type: 'service:start',
      severity: 1,
      message: 'service g/web/api start requested',
      meta: { user: 'admin@example.com' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  ServiceStopped: {
    stream: 'service-g/web/api',
    event: { type: 'ServiceStopped', data: {} },
    expect: {
      type: 'service:stop',
      severity: 1,
      message: 'service g/web/api stop requested',
      meta: { user: 'admin@example.com' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  ServiceRestartRequested: {
    stream: 'service-g/web/api',
    event: { type: 'ServiceRestartRequested', data: {} },
    expect: {
      type: 'service:restart',
      severity: 1,
      message: 'service g/web/api restart requested',
      meta: { user: 'admin@example.com' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  ServiceEnvAdded: {
    stream: 'service-g/web/api',
    event: { type: 'ServiceEnvAdded', data: { env: 'TOKEN=s3cret=x', revision: 5 } },
    expect: {
      type: 'service:add_env',
      severity: 1,
      message: 'service g/web/api env TOKEN set (revision 5)',
      meta: { key: 'TOKEN', revision: 5, user: 'admin@example.com' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  ServiceEnvRemoved: {
    stream: 'service-g/web/api',
    event: { type: 'ServiceEnvRemoved', data: { key: 'TOKEN', revision: 6 } },
    expect: {
      type: 'service:remove_env',
      severity: 1,
      message: 'service g/web/api env TOKEN removed (revision 6)',
      meta: { key: 'TOKEN', revision: 6, user: 'admin@example.com' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  ServiceInstanceRescheduleRequested: {
    stream: 'service-g/web/api',
    event: { type: 'ServiceInstanceRescheduleRequested', data: { instance_number: 2 } },
    expect: {
      type: 'service:reschedule_instance',
      severity: 1,
      message: 'service instance g/web/api-2 reschedule requested',
      meta: { instance_number: 2, user: 'admin@example.com' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  ServiceRemoved: {
    stream: 'service-g/web/api',
    event: { type: 'ServiceRemoved', data: { grid: 'g', stack: 'web', name: 'api' } },
    expect: {
      type: 'service:remove',
      severity: 1,
      message: 'service g/web/api removed',
      meta: { user: 'admin@example.com' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
      closes: true,
    },
  },

  ServiceDeployQueued: {
    stream: 'deploy-d1',
    event: { type: 'ServiceDeployQueued', data: {} },
    actor: SYSTEM,
    expect: null,
  },
  ServiceDeployStarted: {
    stream: 'deploy-d1',
    event: { type: 'ServiceDeployStarted', data: {} },
    actor: SYSTEM,
    expect: {
      type: 'service:deploy',
      severity: 1,
      message: 'service g/web/api deploy started',
      meta: null,
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  InstanceDeployStarted: {
    stream: 'deploy-d1',
    event: {
      type: 'InstanceDeployStarted',
      data: { instance_number: 1, node: 'n1', deploy_rev: '2026-11-22 12:00:00 UTC' },
    },
    actor: SYSTEM,
    expect: {
      type: 'service:deploy',
      severity: 1,
      message: 'deploying service instance g/web/api-1 to node n1',
      meta: { instance_number: 1, deploy_rev: '2026-11-22 12:00:00 UTC' },
      logs: [...SERVICE_LOGS, 'node:g/n1'],
      relationships: [rel.grid, rel.webStack, rel.api, rel.n1],
    },
  },
  InstanceDeployFinished: {
    stream: 'deploy-d1',
    event: {
      type: 'InstanceDeployFinished',
      data: { instance_number: 2, state: 'error', error: 'port 80 never opened' },
    },
    actor: SYSTEM,
    expect: {
      type: 'service:deploy',
      severity: 3,
      message: 'Failed to deploy service instance g/web/api-2 to node n2: port 80 never opened',
      meta: { instance_number: 2 },
      logs: [...SERVICE_LOGS, 'node:g/n2'],
      relationships: [rel.grid, rel.webStack, rel.api, rel.n2],
    },
  },
  ServiceDeployFinished: {
    stream: 'deploy-d1',
    event: {
      type: 'ServiceDeployFinished',
      data: { state: 'error', reason: 'halting deploy of g/web/api, one or more instances failed' },
    },
    actor: SYSTEM,
    expect: {
      type: 'service:deploy',
      severity: 3,
      message: 'deploy of g/web/api errored: halting deploy of g/web/api, one or more instances failed',
      meta: null,
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  ServiceDeployAborted: {
    stream: 'deploy-d1',
    event: { type: 'ServiceDeployAborted', data: { reason: 'service is not running' } },
    actor: SYSTEM,
    expect: {
      type: 'service:deploy',
      severity: 3,
      message: 'deploy of g/web/api aborted: service is not running',
      meta: null,
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },

  StackCreated: {
    stream: 'stack-g/web',
    event: {
      type: 'StackCreated',
      data: {
        grid: 'g',
        name: 'web',
        stack: 'me/web',
        version: '1.0.0',
        source: '',
        registry: null,
        expose: null,
        variables: {},
        metadata: {},
        services: [],
        volumes: [],
        parent_name: null,
        labels: [],
        revision: 1,
      },
    },
    expect: {
      type: 'stack:create',
      severity: 1,
      message: 'stack g/web created',
      meta: { revision: 1, stack: 'me/web', version: '1.0.0', user: 'admin@example.com' },
      logs: ['stack:g/web', 'grid:g'],
      relationships: [rel.grid, rel.webStack],
    },
  },
  StackRevisionCreated: {
    stream: 'stack-g/web',
    event: {
      type: 'StackRevisionCreated',
      data: {
        stack: 'me/web',
        version: '1.1.0',
        source: '',
        registry: null,
        expose: null,
        variables: {},
        metadata: {},
        services: [],
        volumes: [],
        revision: 2,
      },
    },
    expect: {
      type: 'stack:update',
      severity: 1,
      message: 'stack g/web updated to revision 2',
      meta: { revision: 2, stack: 'me/web', version: '1.1.0', user: 'admin@example.com' },
      logs: ['stack:g/web', 'grid:g'],
      relationships: [rel.grid, rel.webStack],
    },
  },
  StackLabelsChanged: {
    stream: 'stack-g/web',
    event: { type: 'StackLabelsChanged', data: { labels: ['tier=web'] } },
    expect: {
      type: 'stack:update',
      severity: 1,
      message: 'stack g/web labels changed',
      meta: { labels: ['tier=web'], user: 'admin@example.com' },
      logs: ['stack:g/web', 'grid:g'],
      relationships: [rel.grid, rel.webStack],
    },
  },
  StackDeployRequested: {
    stream: 'stack-g/web',
    event: {
      type: 'StackDeployRequested',
      data: {
        stack_deploy_id: 'sd1',
        stack_revision: 2,
        service_deploys: [{ service: 'api', deploy_id: 'd1' }],
        removed_services: ['old', 'older'],
      },
    },
    expect: {
      type: 'stack:deploy',
      severity: 1,
      message: 'stack g/web deploy of revision 2 requested, removed services old, older',
      meta: {
        stack_deploy_id: 'sd1',
        revision: 2,
        services: ['api'],
        removed_services: ['old', 'older'],
        user: 'admin@example.com',
      },
      logs: ['stack:g/web', 'grid:g'],
      relationships: [rel.grid, rel.webStack],
    },
  },
  StackStopRequested: {
    stream: 'stack-g/web',
    event: { type: 'StackStopRequested', data: {} },
    expect: {
      type: 'stack:stop',
      severity: 1,
      message: 'stack g/web stop requested',
      meta: { user: 'admin@example.com' },
      logs: ['stack:g/web', 'grid:g'],
      relationships: [rel.grid, rel.webStack],
    },
  },
  StackRestartRequested: {
    stream: 'stack-g/web',
    event: { type: 'StackRestartRequested', data: {} },
    expect: {
      type: 'stack:restart',
      severity: 1,
      message: 'stack g/web restart requested',
      meta: { user: 'admin@example.com' },
      logs: ['stack:g/web', 'grid:g'],
      relationships: [rel.grid, rel.webStack],
    },
  },
  StackRemovalRequested: {
    stream: 'stack-g/web',
    event: { type: 'StackRemovalRequested', data: {} },
    expect: {
      type: 'stack:remove',
      severity: 1,
      message: 'stack g/web removal requested',
      meta: { user: 'admin@example.com' },
      logs: ['stack:g/web', 'grid:g'],
      relationships: [rel.grid, rel.webStack],
    },
  },
  StackRemoved: {
    stream: 'stack-g/web',
    event: { type: 'StackRemoved', data: { grid: 'g', name: 'web' } },
    expect: {
      type: 'stack:remove',
      severity: 1,
      message: 'stack g/web removed',
      meta: { user: 'admin@example.com' },
      logs: ['stack:g/web', 'grid:g'],
      relationships: [rel.grid, rel.webStack],
      closes: true,
    },
  },

  StackDeployStarted: {
    stream: 'stackdeploy-sd1',
    event: { type: 'StackDeployStarted', data: {} },
    actor: SYSTEM,
    expect: {
      type: 'stack:deploy',
      severity: 1,
      message: 'stack g/web deploy started',
      meta: null,
      logs: ['stack:g/web', 'grid:g'],
      relationships: [rel.grid, rel.webStack],
    },
  },
  StackDeployFinished: {
    stream: 'stackdeploy-sd1',
    event: { type: 'StackDeployFinished', data: { state: 'success', reason: null } },
    actor: SYSTEM,
    expect: {
      type: 'stack:deploy',
      severity: 1,
      message: 'stack g/web deployed',
      meta: null,
      logs: ['stack:g/web', 'grid:g'],
      relationships: [rel.grid, rel.webStack],
    },
  },

  InstanceEventReported: {
    stream: 'placement-g/web/api',
    event: {
      type: 'InstanceEventReported',
      data: {
        instance_number: 1,
        node: 'n1',
        type: 'service:instance_crash',
        severity: 'warn',
        message: 'instance exited with code 137',
      },
    },
    actor: SYSTEM,
    expect: {
      type: 'service:instance_crash',
      severity: 2,
      message: 'instance exited with code 137',
      meta: { instance_number: 1 },
      logs: [...SERVICE_LOGS, 'node:g/n1'],
      relationships: [rel.grid, rel.webStack, rel.api, rel.n1],
    },
  },
  InstancePlaced: {
    stream: 'placement-g/web/api',
    event: {
      type: 'InstancePlaced',
      data: {
        instance_number: 1,
        node: 'g/n1',
        node_name: 'n1',
        deploy_rev: 'd1',
        desired_state: 'running',
        pod: {},
        at: '2026-11-22T12:00:00.000Z',
      },
    },
    actor: SYSTEM,
    expect: null,
  },
  InstanceDesiredStateChanged: {
    stream: 'placement-g/web/api',
    event: { type: 'InstanceDesiredStateChanged', data: { instance_number: 2, desired_state: 'stopped' } },
    actor: SYSTEM,
    expect: {
      type: 'scheduler',
      severity: 1,
      message: 'setting desired state to stopped for instance g/web/api-2',
      meta: { instance_number: 2, desired_state: 'stopped' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  InstanceUnplaced: {
    stream: 'placement-g/web/api',
    event: { type: 'InstanceUnplaced', data: { instance_number: 1, request: 4 } },
    actor: SYSTEM,
    expect: {
      type: 'scheduler',
      severity: 1,
      message: 'service instance g/web/api-1 taken off its node to be scheduled again',
      meta: { instance_number: 1 },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  InstanceRemoved: {
    stream: 'placement-g/web/api',
    event: { type: 'InstanceRemoved', data: { instance_number: 3, reason: 'scaled down' } },
    actor: SYSTEM,
    expect: {
      type: 'service:remove_instance',
      severity: 1,
      message: 'removing service instance g/web/api-3: scaled down',
      meta: { instance_number: 3, reason: 'scaled down' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
  InstanceStateReported: {
    stream: 'placement-g/web/api',
    event: {
      type: 'InstanceStateReported',
      data: {
        instance_number: 1,
        node: 'g/n1',
        node_name: 'n1',
        deploy_rev: 'd1',
        state: 'running',
        error: null,
        exit_code: null,
        health: null,
        ports: [],
        reported_at: '2026-11-22T12:00:00.000Z',
      },
    },
    actor: SYSTEM,
    expect: null,
  },
  RestartRequestForwarded: {
    stream: 'placement-g/web/api',
    event: {
      type: 'RestartRequestForwarded',
      data: { request: 5, instances: [1, 2], at: '2026-11-22T12:00:00.000Z' },
    },
    actor: SYSTEM,
    expect: null,
  },
  ServiceRescheduled: {
    stream: 'placement-g/web/api',
    event: { type: 'ServiceRescheduled', data: { reason: 'instances' } },
    actor: SYSTEM,
    expect: {
      type: 'scheduler',
      severity: 1,
      message: 'service g/web/api has wrong number of instances (or they are not distributed correctly)',
      meta: { reason: 'instances' },
      logs: SERVICE_LOGS,
      relationships: [rel.grid, rel.webStack, rel.api],
    },
  },
};

describe('event logs projection', () => {
  it('has a case for every row of every table', () => {
    const rows = Object.values(ENTRY_TABLES).flatMap((table) => Object.keys(table));
    expect(Object.keys(CASES).sort()).toEqual([...rows].sort());
  });

  it.each(Object.entries(CASES))('%s', async (_name, { stream, event, actor, expect: expected }) => {
    const filed = await project(stream, event, actor);
    if (expected === null) {
      expect(filed).toEqual([]);
      return;
    }
    expect(filed.map((f) => f.log)).toEqual(expected.logs);
    // One entry, the same in every log, at the event's time.
    for (const f of filed) {
      expect(f.ms).toBe(Date.parse(AT));
      expect(f.entry).toEqual({
        created_at: AT,
        severity: expected.severity,
        type: expected.type,
        message: expected.message,
        meta: expected.meta ?? null,
        relationships: expected.relationships,
      });
      // Kontena's key order (views/v1/event_logs/_event_log.json.jbuilder).
      expect(Object.keys(f.entry)).toEqual([
        'created_at',
        'severity',
        'type',
        'message',
        'meta',
        'relationships',
      ]);
    }
    // A removal leaves the subject's own log with just that entry; every other log keeps its history.
    const own = filed[0];
    expect(own.maxlen).toBe(expected.closes ? 1 : EVENT_LOG_MAX_ENTRIES);
    for (const other of filed.slice(1)) expect(other.maxlen).toBe(EVENT_LOG_MAX_ENTRIES);
  });

  it('logs what an agent said with a state change exactly as the same said on its own', async () => {
    const said = CASES.InstanceEventReported.event.data as { type: string; severity: string; message: string };
    const state = CASES.InstanceStateReported.event;
    const withSaid = {
      ...state,
      data: {
        ...(state.data as object),
        instance_event: { type: said.type, severity: said.severity, message: said.message },
      },
    } as DomainEvent;
    expect(await project('placement-g/web/api', withSaid, SYSTEM)).toEqual(
      await project('placement-g/web/api', CASES.InstanceEventReported.event, SYSTEM),
    );
  });

  it('says when an agent registered a node itself', async () => {
    const [entry] = await project(
      'node-g/n1',
      {
        type: 'NodeCreated',
        data: {
          grid: 'g',
          name: 'n1',
          node_number: 1,
          initial_member: true,
          overlay_ip: null,
          labels: [],
          token: null,
          token_hash: null,
          agent_node_id: 'AB:CD',
        },
      },
      SYSTEM,
    );
    expect(entry.entry.message).toBe('node g/n1 registered by its agent');
  });

  it('uses Kontena’s messages for a successful deploy and its instances', async () => {
    const [started] = await project(
      'deploy-d1',
      { type: 'ServiceDeployFinished', data: { state: 'success', reason: null } },
      SYSTEM,
    );
    expect(started.entry.message).toBe('service g/web/api deployed');
    const [instance] = await project(
      'deploy-d1',
      { type: 'InstanceDeployFinished', data: { instance_number: 2, state: 'success', error: null } },
      SYSTEM,
    );
    expect(instance.entry).toMatchObject({
      severity: 1,
      message: 'service instance g/web/api-2 deployed to node n2',
    });
    const [failed] = await project(
      'stackdeploy-sd1',
      { type: 'StackDeployFinished', data: { state: 'error', reason: 'service api failed' } },
      SYSTEM,
    );
    expect(failed.entry).toMatchObject({
      severity: 3,
      message: 'deploy of stack g/web errored: service api failed',
    });
  });

  it('says why the scheduler asked for a deploy, in Kontena’s words', async () => {
    const message = async (reason: string) =>
      (await project('placement-g/web/api', { type: 'ServiceRescheduled', data: { reason } }, SYSTEM))[0]
        .entry.message;
    expect(await message('outdated')).toBe('service g/web/api does have older version running');
    expect(await message('interval')).toBe('service g/web/api deploy interval has passed');
  });

  it('notes a service update that only records the stack revision', async () => {
    const [entry] = await project('service-g/web/api', {
      type: 'ServiceUpdated',
      data: { changes: {}, revision: 2, stack_revision: 4 },
    });
    expect(entry.entry).toMatchObject({
      message: 'service g/web/api updated (revision 2) to stack revision 4',
      meta: { revision: 2, changes: [], stack_revision: 4 },
    });
  });

  it('logs nothing for progress of a deploy whose service is gone, nor for streams it does not know', async () => {
    expect(await project('deploy-gone', { type: 'ServiceDeployStarted', data: {} }, SYSTEM)).toEqual([]);
    expect(await project('stackdeploy-gone', { type: 'StackDeployStarted', data: {} }, SYSTEM)).toEqual([]);
    expect(await project('user-admin', { type: 'UserCreated', data: {} })).toEqual([]);
    expect(await project('token-x', { type: 'AccessTokenIssued', data: {} })).toEqual([]);
    expect(await project('service-g/web/api', { type: 'SomethingNew', data: {} })).toEqual([]);
  });

  it('never puts an env value in an entry', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Z_]{1,8}$/),
        fc.string({ minLength: 6 }),
        async (key, value) => {
          fc.pre(
            !key.includes(value) &&
              !'service g/web/api env set (revision 1) admin@example.com service:add_env'.includes(value),
          );
          const filed = await project('service-g/web/api', {
            type: 'ServiceEnvAdded',
            data: { env: `${key}=${value}`, revision: 1 },
          });
          for (const f of filed)
            expect(JSON.stringify(f.entry)).not.toContain(JSON.stringify(value).slice(1, -1));
        },
      ),
      { numRuns: 50 },
    );
  });
});
