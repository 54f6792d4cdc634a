import { Actor, assertNever, NULL_STACK } from '@libs/domain';
import { parseStreamName, RecordedEnvelope } from '@libs/eventstore';
import {
  DEPLOY_INSTANCES,
  EVENT_LOG_MAX_ENTRIES,
  EventLogEntry,
  EventLogKind,
  EventLogRelationship,
  Projection,
  ReadModelKeys,
  ReadModelOp,
  ReadModelReader,
  StackDeployDoc,
  StoredDeployDoc,
  StoredInstanceDeploy,
} from '@libs/read-model';
import {
  describeEvent,
  EntryDraft,
  EntryFacts,
  ENTRY_TABLES,
  LoggedCategory,
  LogSubject,
  subjectPath,
} from './event-log-entries';
import { occurredAt, occurredMs } from './projection-helpers';

/** One log an entry goes to, and how many entries that log keeps after it. */
export interface LogTarget {
  kind: EventLogKind;
  id: string;
  maxlen: number;
}

/**
 * Where an entry is filed and what it says (kontena-behaviour.md §6): a service's entries go to the
 * service's, its stack's (the `null` stack has no log) and its grid's logs, a node's to the node's and the
 * grid's; an entry naming a node also goes to that node's log. Relationships list what the entry is about
 * in Kontena's order (grid, stack, service, node); a stack-less service names the `null` stack, as
 * Kontena's did (its null stack was a real stack).
 */
export function fileEntry(
  subject: LogSubject,
  draft: EntryDraft,
  at: string,
  actor: Actor,
): { targets: LogTarget[]; entry: EventLogEntry } {
  const relationships: EventLogRelationship[] = [{ id: subject.grid, type: 'grid' }];
  const own = (kind: EventLogKind): LogTarget => ({
    kind,
    id: subjectPath(subject),
    maxlen: draft.closesLog ? 1 : EVENT_LOG_MAX_ENTRIES,
  });
  const targets: LogTarget[] = [];
  const grid: LogTarget = { kind: 'grid', id: subject.grid, maxlen: EVENT_LOG_MAX_ENTRIES };

  switch (subject.kind) {
    case 'grid':
      targets.push(own('grid'));
      break;
    case 'stack':
      relationships.push({ id: subjectPath(subject), type: 'stack' });
      targets.push(own('stack'), grid);
      break;
    case 'service': {
      const stack = `${subject.grid}/${subject.stack}`;
      relationships.push({ id: stack, type: 'stack' }, { id: subjectPath(subject), type: 'service' });
      targets.push(own('service'));
      if (subject.stack !== NULL_STACK)
        targets.push({ kind: 'stack', id: stack, maxlen: EVENT_LOG_MAX_ENTRIES });
      targets.push(grid);
      break;
    }
    case 'node':
      relationships.push({ id: subjectPath(subject), type: 'node' });
      targets.push(own('node'), grid);
      break;
  }
  if (draft.node && subject.kind !== 'node') {
    const node = `${subject.grid}/${draft.node}`;
    relationships.push({ id: node, type: 'node' });
    targets.push({ kind: 'node', id: node, maxlen: EVENT_LOG_MAX_ENTRIES });
  }

  // Who asked, where a person did: "who scaled this service?" is what the history is for (DESIGN.md §1).
  const meta = { ...draft.meta, ...(actor.kind === 'user' ? { user: actor.email } : {}) };
  const entry: EventLogEntry = {
    created_at: at,
    severity: draft.severity,
    type: draft.type,
    message: draft.message,
    meta: Object.keys(meta).length ? meta : null,
    relationships,
  };
  return { targets, entry };
}

function splitPath(id: string, parts: number): string[] | undefined {
  const split = id.split('/');
  return split.length === parts && split.every(Boolean) ? split : undefined;
}

function serviceSubject(id: string): LogSubject | undefined {
  const parts = splitPath(id, 3);
  return parts && { kind: 'service', grid: parts[0], stack: parts[1], service: parts[2] };
}

function stackSubject(id: string): LogSubject | undefined {
  const parts = splitPath(id, 2);
  return parts && { kind: 'stack', grid: parts[0], stack: parts[1] };
}

/**
 * Whose log an event of `category` belongs in, with the facts its row may use. Deploy progress streams are
 * named by deploy id: the deploy's read model (written by the services and stacks projections when the
 * deploy was requested) says whose it is. A deploy whose service is gone logs nothing.
 */
async function subjectOf(
  category: LoggedCategory,
  id: string,
  event: RecordedEnvelope['event'],
  reader: ReadModelReader,
): Promise<{ subject: LogSubject; facts: EntryFacts } | undefined> {
  const withFacts = (subject: LogSubject | undefined, extra: Partial<EntryFacts> = {}) =>
    subject && { subject, facts: { path: subjectPath(subject), ...extra } };
  switch (category) {
    case 'grid':
      return withFacts({ kind: 'grid', grid: id });
    case 'node': {
      const parts = splitPath(id, 2);
      return withFacts(parts && { kind: 'node', grid: parts[0], node: parts[1] });
    }
    case 'stack':
      return withFacts(stackSubject(id));
    case 'service':
    case 'placement':
      return withFacts(serviceSubject(id));
    case 'deploy': {
      const deploy = await reader.doc<StoredDeployDoc>('deploy', id);
      const n = (event.data as { instance_number?: unknown }).instance_number;
      const raw = typeof n === 'number' ? await reader.field(DEPLOY_INSTANCES, id, String(n)) : undefined;
      const instanceDeploy = raw === undefined ? undefined : (JSON.parse(raw) as StoredInstanceDeploy);
      return deploy && withFacts(serviceSubject(deploy.service_id), { instanceDeploy });
    }
    case 'stackdeploy': {
      const deploy = await reader.doc<StackDeployDoc>('stackdeploy', id);
      return deploy && withFacts(stackSubject(deploy.stack_id));
    }
    default:
      // A table added to ENTRY_TABLES needs a rule here for whose log its events go to.
      return assertNever(category, 'logged stream category');
  }
}

export function logOps(
  keys: ReadModelKeys,
  targets: readonly LogTarget[],
  entry: EventLogEntry,
  ms: number,
): ReadModelOp[] {
  if (targets.length === 0) return [];
  const logs = targets.map((t) => ({ key: keys.eventLog(t.kind, t.id), maxlen: t.maxlen }));
  return [{ op: 'log', logs, ms, value: JSON.stringify(entry) }];
}

/**
 * The grid, stack, service and node event logs (kontena-behaviour.md §6, DESIGN.md §4), projected from the
 * domain events with the rows of `event-log-entries.ts`. Entry ids are `<occurredAt ms>-<seq>` (never the
 * clock), so a rebuild reproduces every log byte for byte; the entries of a command are written with its
 * event, so they are visible when the command answers.
 */
export const eventLogsProjection: Projection = {
  name: 'event-logs',
  async project(envelope: RecordedEnvelope, reader: ReadModelReader): Promise<ReadModelOp[]> {
    const stream = parseStreamName(envelope.streamName);
    if (!stream || !(stream.category in ENTRY_TABLES)) return [];
    const category = stream.category as LoggedCategory;
    const found = await subjectOf(category, stream.id, envelope.event, reader);
    if (!found) return [];
    const draft = describeEvent(category, envelope.event, found.facts);
    if (!draft) return [];
    const { targets, entry } = fileEntry(found.subject, draft, occurredAt(envelope), envelope.metadata.actor);
    return logOps(reader.keys, targets, entry, occurredMs(envelope));
  },
};
