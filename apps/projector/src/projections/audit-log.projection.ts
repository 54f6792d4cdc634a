import type { Actor } from '@libs/domain';
import { Category, parseStreamName, RecordedEnvelope } from '@libs/eventstore';
import { AUDIT_LOG_MAX_ENTRIES, AuditLogEntry, auditLogKeys, Projection, ReadModelOp, ReadModelReader } from '@libs/read-model';
import { occurredMs } from './projection-helpers';

/**
 * Kontena's class names as `resource_type` (`auditor.rb` records `resource.class.name`). Partial, so a new
 * stream category is audited (under its own name) before anyone lists it here.
 */
const RESOURCE_TYPES: Partial<Record<Category, string>> = {
  grid: 'Grid',
  node: 'HostNode',
  stack: 'Stack',
  service: 'GridService',
  secret: 'GridSecret',
  registry: 'Registry',
  volume: 'Volume',
  user: 'User',
  token: 'AccessToken',
  config: 'config',
  deploy: 'GridServiceDeploy',
  stackdeploy: 'StackDeploy',
  placement: 'GridServiceInstance',
};

/** Words an event type starts with that only repeat which resource it is about (`GridUserAssigned` → `User Assigned`). */
const RESOURCE_WORDS: Partial<Record<Category, readonly string[]>> = {
  grid: ['Grid'],
  node: ['Host', 'Node'],
  stack: ['Stack'],
  service: ['Grid', 'Service'],
  secret: ['Grid', 'Secret'],
  registry: ['External', 'Registry'],
  volume: ['Volume'],
  user: ['User'],
  token: ['Access', 'Token'],
  config: ['Config'],
  deploy: ['Service', 'Deploy'],
  stackdeploy: ['Stack', 'Deploy'],
  placement: ['Service', 'Instance', 'Placement'],
};

/** Past tense (event types) to Kontena's imperative `event_name`s: create, update, delete, show, deploy, … */
const VERBS: Record<string, string> = {
  created: 'create',
  updated: 'update',
  patched: 'update',
  changed: 'update',
  removed: 'delete',
  deleted: 'delete',
  read: 'show',
  revealed: 'show',
  shown: 'show',
  viewed: 'show',
  exported: 'export',
  deployed: 'deploy',
  scaled: 'scale',
  started: 'start',
  stopped: 'stop',
  restarted: 'restart',
  assigned: 'assign',
  unassigned: 'unassign',
  added: 'add',
  issued: 'issue',
  exchanged: 'exchange',
  revoked: 'revoke',
  linked: 'link',
  forgotten: 'forget',
  invited: 'invite',
  connected: 'connect',
  disconnected: 'disconnect',
  requested: 'request',
  cleared: 'clear',
};

/** Event names Kontena used that the rule above would not produce (config_api.rb: `modify`, `destroy_all`). */
const EVENT_NAMES: Record<string, string> = {
  ConfigValueSet: 'modify',
  ConfigValueRemoved: 'modify',
  ConfigCleared: 'destroy_all',
};

/** `GridUserAssigned` → `assign user`, `ServiceScaled` → `scale`, `SecretRevealed` → `show`. */
export function auditEventName(type: string, category: Category): string {
  if (EVENT_NAMES[type]) return EVENT_NAMES[type];
  const words = type.match(/[A-Z][a-z0-9]*/g) ?? [type];
  const resource = RESOURCE_WORDS[category] ?? [];
  while (words.length > 1 && resource.includes(words[0])) words.shift();
  const lower = words.map((w) => w.toLowerCase());
  const verb = VERBS[lower[lower.length - 1]];
  // An unknown verb keeps the event's words (`NodeHeartbeatMissed` → `heartbeat missed`).
  if (!verb) return lower.join(' ');
  // A read is a `show` whatever was read (`SecretValueRevealed`), as Kontena audits secret reads.
  if (verb === 'show') return verb;
  return [verb, ...lower.slice(0, -1)].join(' ');
}

/** Whoever acted: a user as Kontena recorded them, or a node or a component of the system itself. */
function identity(actor: Actor): AuditLogEntry['user_identity'] {
  switch (actor.kind) {
    case 'user':
      return { id: actor.userId, email: actor.email };
    case 'node':
      return { id: `node:${actor.nodeId}`, email: null };
    default:
      return { id: `system:${actor.component}`, email: null };
  }
}

/** Categories whose ids start with the grid's name (`my-grid/…`). */
const gridScoped = new Set<Category>(['node', 'stack', 'service', 'secret', 'registry', 'volume', 'placement']);

/** The audit entry for any domain event; its data is never copied, so nothing secret can leak into the log. */
export function auditEntry(envelope: RecordedEnvelope, category: Category, id: string): AuditLogEntry {
  const data = envelope.event.data as Record<string, unknown>;
  const grid = category === 'grid' ? id : gridScoped.has(category) ? id.split('/')[0] : typeof data.grid === 'string' ? data.grid : null;
  let resource = { type: RESOURCE_TYPES[category] ?? category, id, name: category === 'config' ? 'config' : (id.split('/').pop() ?? id) };
  // Kontena audits grid membership changes as changes to the user (grid_users.rb `audit_event(r, @grid, user, …)`).
  if ((envelope.event.type === 'GridUserAssigned' || envelope.event.type === 'GridUserUnassigned') && typeof data.email === 'string') {
    resource = { type: 'User', id: data.email, name: data.email };
  }
  // Kontena's config entries name no resource id; the key that changed is more useful.
  if (category === 'config') resource.id = typeof data.key === 'string' ? data.key : 'none';
  const { metadata } = envelope;
  return {
    time: new Date(occurredMs(envelope)).toISOString(),
    grid,
    grid_id: grid,
    service: category === 'service' || category === 'placement' ? id : '',
    resource_type: resource.type,
    resource_name: resource.name,
    resource_id: resource.id,
    event_name: auditEventName(envelope.event.type, category),
    event_status: 'success',
    source_ip: metadata.sourceIp ?? null,
    user_agent: metadata.userAgent ?? null,
    user_identity: identity(metadata.actor),
  };
}

/**
 * The streams in which the reconciler and the agents keep their books: where each instance is and what its
 * node reports (`placement`), how each deploy progresses (`deploy`, `stackdeploy`). Dozens of events per
 * instance started; Kontena's auditor never recorded them (it audited what people asked for), the event logs
 * and the event store show them, and in a capped audit log they would push out what people did.
 */
const BOOKKEEPING = new Set<Category>(['placement', 'deploy', 'stackdeploy']);

/**
 * The audit log (kontena-behaviour.md §1 `/v1/audit_logs`, `/v1/grids/:grid/audit_log`): every domain event
 * but the reconciler's and the agents' bookkeeping (`BOOKKEEPING`, unless a user did it), with who did it,
 * from where, with what, taken from the metadata every event carries. Entries go to the master's log and to
 * their grid's; entry ids come from the event time, so a rebuild reproduces them.
 */
export const auditLogProjection: Projection = {
  name: 'audit-log',
  project(envelope: RecordedEnvelope, reader: ReadModelReader): ReadModelOp[] {
    const stream = parseStreamName(envelope.streamName);
    if (!stream) return [];
    if (BOOKKEEPING.has(stream.category) && envelope.metadata.actor.kind !== 'user') return [];
    const entry = auditEntry(envelope, stream.category, stream.id);
    const keys = auditLogKeys(reader.keys);
    const value = JSON.stringify(entry);
    const ms = occurredMs(envelope);
    const all = { key: keys.all, maxlen: AUDIT_LOG_MAX_ENTRIES.all };
    // A removed grid's log goes with it, so a new grid of the same name starts clean; the master's log keeps all.
    if (envelope.event.type === 'GridRemoved' && stream.category === 'grid')
      return [{ op: 'log', logs: [all], ms, value }, { op: 'del', key: keys.grid(stream.id) }];
    const grid = entry.grid ? [{ key: keys.grid(entry.grid), maxlen: AUDIT_LOG_MAX_ENTRIES.grid }] : [];
    return [{ op: 'log', logs: [all, ...grid], ms, value }];
  },
};
