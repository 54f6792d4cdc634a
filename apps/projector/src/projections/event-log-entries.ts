import type {
  DomainEvent,
  GridEvent,
  NodeEvent,
  PlacementEvent,
  ReportedInstanceEvent,
  RescheduleReason,
  ServiceDeployProgress,
  ServiceEvent,
  StackDeployProgress,
  StackEvent,
} from '@libs/domain';
import { InstanceDeployDoc, SEVERITY, Severity } from '@libs/read-model';

/**
 * What each domain event says in the event logs (kontena-behaviour.md §6): one table per stream category,
 * one row per event type. The tables are exhaustive (`EntryTable` requires a row for every event of the
 * union), so adding an event type to the domain fails the typecheck until someone decides what it logs.
 *
 * Kontena's `type` names and messages are used where Kontena logged the thing (`service:deploy`,
 * `scheduler`, the agents' `service:*_instance`); lifecycle changes Kontena only audited get clear new
 * names (`service:create`, `stack:deploy`, `grid:update`, …): here the history exists, so the logs show it.
 * Rows never put secret material or env values in `meta`: entries are readable by every grid user.
 */

/** Whose log an event belongs in. */
export type LogSubject =
  | { kind: 'grid'; grid: string }
  | { kind: 'stack'; grid: string; stack: string }
  | { kind: 'service'; grid: string; stack: string; service: string }
  | { kind: 'node'; grid: string; node: string };

/** What an event says: `node` (a node name) also files the entry in that node's log. */
export interface EntryDraft {
  type: string;
  severity: Severity;
  message: string;
  meta?: Record<string, unknown>;
  node?: string;
  /**
   * The subject is gone: its own log keeps only this entry, so removed names cost one entry each, and a
   * re-created one starts its log with why the old one ended. Its stack's and grid's logs keep everything.
   */
  closesLog?: true;
}

/** What a row may use besides the event's data. */
export interface EntryFacts {
  /** The subject as Kontena prints it: `grid`, `grid/stack`, `grid/stack/service`, `grid/node`. */
  path: string;
  /** For an instance's deploy progress: that instance deploy as the read model has it before this event. */
  instanceDeploy?: InstanceDeployDoc;
}

export type Describe<E extends DomainEvent> = (data: E['data'], facts: EntryFacts) => EntryDraft | null;
export type EntryTable<E extends DomainEvent> = { [T in E['type']]: Describe<Extract<E, { type: T }>> };

const { debug, info, warn, error } = SEVERITY;

/** Kontena names an instance `<service path>-<n>` (`GridServiceDeployer`). */
const instanceName = (path: string, n: number) => `${path}-${n}`;
const listed = (names: readonly string[]) => names.join(', ');
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export const gridEntries: EntryTable<GridEvent> = {
  GridCreated: (d, { path }) => ({
    type: 'grid:create',
    severity: info,
    message: `grid ${path} created`,
    meta: { initial_size: d.initial_size },
  }),
  GridUpdated: (d, { path }) => ({
    type: 'grid:update',
    severity: info,
    message: `grid ${path} updated: ${listed(Object.keys(d))}`,
    meta: { changes: Object.keys(d) },
  }),
  GridUserAssigned: (d, { path }) => ({
    type: 'grid:assign_user',
    severity: info,
    message: `user ${d.email} assigned to grid ${path}`,
    meta: { email: d.email },
  }),
  GridUserUnassigned: (d, { path }) => ({
    type: 'grid:unassign_user',
    severity: info,
    message: `user ${d.email} unassigned from grid ${path}`,
    meta: { email: d.email },
  }),
  GridRemoved: (_d, { path }) => ({
    type: 'grid:remove',
    severity: info,
    message: `grid ${path} removed`,
    closesLog: true,
  }),
  // Node-number bookkeeping on the grid stream; the node's own stream says what happened to it.
  NodeNumberClaimed: () => null,
  NodeAgentClaimed: () => null,
  NodeNumberReleased: () => null,
};

/** A node's stream (`node-<grid>/<node>`). Kontena only audited node changes; connections it only logged. */
export const nodeEntries: EntryTable<NodeEvent> = {
  NodeCreated: (d, { path }) => ({
    type: 'node:create',
    severity: info,
    message: d.agent_node_id ? `node ${path} registered by its agent` : `node ${path} created`,
    meta: { node_number: d.node_number, labels: d.labels },
  }),
  NodeLabelsChanged: (d, { path }) => ({
    type: 'node:update',
    severity: info,
    message: `node ${path} labels changed`,
    meta: { labels: d.labels },
  }),
  NodeAvailabilityChanged: (d, { path }) => ({
    type: 'node:update',
    severity: info,
    message: `node ${path} availability set to ${d.availability}`,
    meta: { availability: d.availability },
  }),
  // Never the token itself, nor its hash.
  NodeTokenChanged: (_d, { path }) => ({
    type: 'node:token',
    severity: info,
    message: `node ${path} token reset`,
  }),
  NodeTokenCleared: (_d, { path }) => ({
    type: 'node:token',
    severity: info,
    message: `node ${path} token cleared`,
  }),
  NodeAgentBound: (d, { path }) => ({
    type: 'node:register',
    severity: info,
    message: `node ${path} bound to agent ${d.agent_node_id}`,
    meta: { agent_node_id: d.agent_node_id },
  }),
  NodeConnected: (_d, { path }) => ({
    type: 'node:connect',
    severity: info,
    message: `node ${path} connected`,
  }),
  NodeDisconnected: (d, { path }) => ({
    type: 'node:disconnect',
    severity: warn,
    message: `node ${path} disconnected: ${d.reason} (${d.code})`,
    meta: { code: d.code, reason: d.reason },
  }),
  // Machine facts the agent reports on every connect (os, cpus, versions): the node JSON shows them.
  NodeInfoReported: () => null,
  NodeRemoved: (_d, { path }) => ({
    type: 'node:remove',
    severity: info,
    message: `node ${path} removed`,
    closesLog: true,
  }),
};

export const serviceEntries: EntryTable<ServiceEvent> = {
  ServiceCreated: (d, { path }) => ({
    type: 'service:create',
    severity: info,
    message: `service ${path} created`,
    meta: { image: d.image, instances: d.instances, revision: d.revision },
  }),
  // Names only: changed values may be env variables or other things not every grid user should read.
  ServiceUpdated: (d, { path }) => {
    const changed = Object.keys(d.changes);
    const what = changed.length
      ? `: ${listed(changed)}`
      : d.stack_revision !== undefined
        ? ` to stack revision ${d.stack_revision}`
        : '';
    return {
      type: 'service:update',
      severity: info,
      message: `service ${path} updated (revision ${d.revision})${what}`,
      meta: {
        revision: d.revision,
        changes: changed,
        ...(d.stack_revision !== undefined ? { stack_revision: d.stack_revision } : {}),
      },
    };
  },
  ServiceScaled: (d, { path }) => ({
    type: 'service:scale',
    severity: info,
    message: `service ${path} scaled to ${plural(d.instances, 'instance')}`,
    meta: { instances: d.instances },
  }),
  ServiceDeployRequested: (d, { path }) => ({
    type: 'service:deploy',
    severity: info,
    message: `service ${path} deploy requested${d.force ? ' (forced)' : ''}`,
    meta: {
      deploy_id: d.deploy_id,
      stack_deploy_id: d.stack_deploy_id,
      revision: d.revision,
      force: d.force,
    },
  }),
  ServiceStarted: (_d, { path }) => ({
    type: 'service:start',
    severity: info,
    message: `service ${path} start requested`,
  }),
  ServiceStopped: (_d, { path }) => ({
    type: 'service:stop',
    severity: info,
    message: `service ${path} stop requested`,
  }),
  ServiceRestartRequested: (_d, { path }) => ({
    type: 'service:restart',
    severity: info,
    message: `service ${path} restart requested`,
  }),
  ServiceEnvAdded: (d, { path }) => {
    const key = d.env.split('=', 1)[0];
    return {
      type: 'service:add_env',
      severity: info,
      message: `service ${path} env ${key} set (revision ${d.revision})`,
      meta: { key, revision: d.revision },
    };
  },
  ServiceEnvRemoved: (d, { path }) => ({
    type: 'service:remove_env',
    severity: info,
    message: `service ${path} env ${d.key} removed (revision ${d.revision})`,
    meta: { key: d.key, revision: d.revision },
  }),
  ServiceInstanceRescheduleRequested: (d, { path }) => ({
    type: 'service:reschedule_instance',
    severity: info,
    message: `service instance ${instanceName(path, d.instance_number)} reschedule requested`,
    meta: { instance_number: d.instance_number },
  }),
  ServiceRemoved: (_d, { path }) => ({
    type: 'service:remove',
    severity: info,
    message: `service ${path} removed`,
    closesLog: true,
  }),
};

/** The reconciler's progress on a service deploy (stream `deploy-<id>`); Kontena's `GridServiceDeployer` messages. */
export const serviceDeployEntries: EntryTable<ServiceDeployProgress> = {
  // Kontena logged nothing when a worker picked a deploy up; the next entry follows within moments.
  ServiceDeployQueued: () => null,
  ServiceDeployStarted: (_d, { path }) => ({
    type: 'service:deploy',
    severity: info,
    message: `service ${path} deploy started`,
  }),
  InstanceDeployStarted: (d, { path }) => ({
    type: 'service:deploy',
    severity: info,
    message: `deploying service instance ${instanceName(path, d.instance_number)} to node ${d.node}`,
    meta: { instance_number: d.instance_number, deploy_rev: d.deploy_rev },
    node: d.node,
  }),
  InstanceDeployFinished: (d, { path, instanceDeploy }) => {
    const node = instanceDeploy?.node ?? undefined;
    const instance = instanceName(path, d.instance_number);
    const onNode = node ? ` to node ${node}` : '';
    return d.state === 'success'
      ? {
          type: 'service:deploy',
          severity: info,
          message: `service instance ${instance} deployed${onNode}`,
          meta: { instance_number: d.instance_number },
          node,
        }
      : {
          type: 'service:deploy',
          severity: error,
          message: `Failed to deploy service instance ${instance}${onNode}: ${d.error ?? 'unknown error'}`,
          meta: { instance_number: d.instance_number },
          node,
        };
  },
  ServiceDeployFinished: (d, { path }) =>
    d.state === 'success'
      ? { type: 'service:deploy', severity: info, message: `service ${path} deployed` }
      : {
          type: 'service:deploy',
          severity: error,
          message: `deploy of ${path} errored: ${d.reason ?? 'unknown error'}`,
        },
  ServiceDeployAborted: (d, { path }) => ({
    type: 'service:deploy',
    severity: error,
    message: `deploy of ${path} aborted: ${d.reason}`,
  }),
};

export const stackEntries: EntryTable<StackEvent> = {
  StackCreated: (d, { path }) => ({
    type: 'stack:create',
    severity: info,
    message: `stack ${path} created`,
    meta: { revision: d.revision, stack: d.stack, version: d.version },
  }),
  StackRevisionCreated: (d, { path }) => ({
    type: 'stack:update',
    severity: info,
    message: `stack ${path} updated to revision ${d.revision}`,
    meta: { revision: d.revision, stack: d.stack, version: d.version },
  }),
  StackLabelsChanged: (d, { path }) => ({
    type: 'stack:update',
    severity: info,
    message: `stack ${path} labels changed`,
    meta: { labels: d.labels },
  }),
  StackDeployRequested: (d, { path }) => {
    const removed = d.removed_services.length ? `, removed services ${listed(d.removed_services)}` : '';
    return {
      type: 'stack:deploy',
      severity: info,
      message: `stack ${path} deploy of revision ${d.stack_revision} requested${removed}`,
      meta: {
        stack_deploy_id: d.stack_deploy_id,
        revision: d.stack_revision,
        services: d.service_deploys.map((s) => s.service),
        removed_services: d.removed_services,
      },
    };
  },
  StackStopRequested: (_d, { path }) => ({
    type: 'stack:stop',
    severity: info,
    message: `stack ${path} stop requested`,
  }),
  StackRestartRequested: (_d, { path }) => ({
    type: 'stack:restart',
    severity: info,
    message: `stack ${path} restart requested`,
  }),
  StackRemovalRequested: (_d, { path }) => ({
    type: 'stack:remove',
    severity: info,
    message: `stack ${path} removal requested`,
  }),
  StackRemoved: (_d, { path }) => ({
    type: 'stack:remove',
    severity: info,
    message: `stack ${path} removed`,
    closesLog: true,
  }),
};

/** The reconciler's progress on a stack deploy (stream `stackdeploy-<id>`). */
export const stackDeployEntries: EntryTable<StackDeployProgress> = {
  StackDeployStarted: (_d, { path }) => ({
    type: 'stack:deploy',
    severity: info,
    message: `stack ${path} deploy started`,
  }),
  StackDeployFinished: (d, { path }) =>
    d.state === 'success'
      ? { type: 'stack:deploy', severity: info, message: `stack ${path} deployed` }
      : {
          type: 'stack:deploy',
          severity: error,
          message: `deploy of stack ${path} errored: ${d.reason ?? 'unknown error'}`,
        },
};

/** `GridScheduler#should_reschedule_service?`'s messages, word for word. */
const RESCHEDULE_MESSAGES: Record<RescheduleReason, (path: string) => string> = {
  instances: (path) =>
    `service ${path} has wrong number of instances (or they are not distributed correctly)`,
  outdated: (path) => `service ${path} does have older version running`,
  interval: (path) => `service ${path} deploy interval has passed`,
};

const REPORTED_SEVERITY = { debug, info, warn, error } as const;

/** What an agent said happened to an instance, stored as it said it, as Kontena's `/node_service_pods/event` did (with `meta.instance_number`). */
function agentSaid(instanceNumber: number, node: string, said: ReportedInstanceEvent): EntryDraft {
  return {
    type: said.type,
    severity: REPORTED_SEVERITY[said.severity] ?? info,
    message: said.message,
    meta: { instance_number: instanceNumber },
    node,
  };
}

/** What the reconciler records about instances (stream `placement-<service id>`). */
export const placementEntries: EntryTable<PlacementEvent> = {
  // Placing is logged by the deploy (`deploying service instance … to node …`); the agent logs the start.
  InstancePlaced: () => null,
  // Kontena's `HostNodes::Update` words: a stateful instance stops on a drained node and starts when it is back.
  InstanceDesiredStateChanged: (d, { path }) => ({
    type: 'scheduler',
    severity: info,
    message: `setting desired state to ${d.desired_state} for instance ${instanceName(path, d.instance_number)}`,
    meta: { instance_number: d.instance_number, desired_state: d.desired_state },
  }),
  InstanceUnplaced: (d, { path }) => ({
    type: 'scheduler',
    severity: info,
    message: `service instance ${instanceName(path, d.instance_number)} taken off its node to be scheduled again`,
    meta: { instance_number: d.instance_number },
  }),
  InstanceRemoved: (d, { path }) => ({
    type: 'service:remove_instance',
    severity: info,
    message: `removing service instance ${instanceName(path, d.instance_number)}: ${d.reason}`,
    meta: { instance_number: d.instance_number, reason: d.reason },
  }),
  // States are the instance documents' business; what the agent said happened with the change is logged.
  InstanceStateReported: (d) =>
    d.instance_event ? agentSaid(d.instance_number, d.node_name, d.instance_event) : null,
  // The request itself is logged from the service's stream.
  RestartRequestForwarded: () => null,
  InstanceEventReported: (d) => agentSaid(d.instance_number, d.node, d),
  ServiceRescheduled: (d, { path }) => ({
    type: 'scheduler',
    severity: info,
    message: RESCHEDULE_MESSAGES[d.reason](path),
    meta: { reason: d.reason },
  }),
};

/** The tables by the stream category whose events they describe. */
export const ENTRY_TABLES = {
  grid: gridEntries,
  node: nodeEntries,
  service: serviceEntries,
  deploy: serviceDeployEntries,
  stack: stackEntries,
  stackdeploy: stackDeployEntries,
  placement: placementEntries,
} as const;

export type LoggedCategory = keyof typeof ENTRY_TABLES;

/** The row for an event, or `null` when the event is not logged (or unknown to its category). */
export function describeEvent(
  category: LoggedCategory,
  event: DomainEvent,
  facts: EntryFacts,
): EntryDraft | null {
  const table = ENTRY_TABLES[category] as Record<string, Describe<DomainEvent> | undefined>;
  return table[event.type]?.(event.data, facts) ?? null;
}

/** Kontena's path of a subject (`to_path`). */
export function subjectPath(subject: LogSubject): string {
  switch (subject.kind) {
    case 'grid':
      return subject.grid;
    case 'stack':
      return `${subject.grid}/${subject.stack}`;
    case 'service':
      return `${subject.grid}/${subject.stack}/${subject.service}`;
    case 'node':
      return `${subject.grid}/${subject.node}`;
  }
}
