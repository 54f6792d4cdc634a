import { serviceId } from '@libs/domain';
import { parseStreamName, RecordedEnvelope } from '@libs/eventstore';
import { crossIndexes, gridIndexes, ReadModelReader } from '@libs/read-model';

/** The stream categories whose events can affect a service (the dispatcher subscribes to these only). */
export const AFFECTING_CATEGORIES = ['service', 'stack', 'node', 'secret'] as const;

/** Node events that change where instances may run (scheduling, liveness, grace periods). */
const NODE_CHANGES = new Set([
  'NodeCreated',
  'NodeConnected',
  'NodeDisconnected',
  'NodeAvailabilityChanged',
  'NodeLabelsChanged',
  'NodeRemoved',
]);

/** Kontena bumped the revision of every service using a secret that changed, and the scheduler redeployed them (§9). */
const SECRET_CHANGES = new Set(['SecretCreated', 'SecretValueChanged']);

/**
 * The services whose desired or possible state an event can change (docs/reconciliation.md, dispatcher).
 * Deploy progress and placement events are the reconciler's own and trigger nothing here: the pass that
 * wrote them, or the report worker, already asked for what comes next. The read models named here may lag a
 * little; the resync catches whatever that misses.
 */
export async function servicesAffectedBy(
  envelope: RecordedEnvelope,
  reader: ReadModelReader,
): Promise<string[]> {
  const stream = parseStreamName(envelope.streamName);
  if (!stream) return [];
  const { type, data } = envelope.event as { type: string; data: Record<string, unknown> };
  switch (stream.category) {
    case 'service':
      return [stream.id];
    case 'stack': {
      if (type !== 'StackDeployRequested') return [];
      const [grid, stack] = splitOnce(stream.id);
      const deploys = data.service_deploys as { service: string }[];
      return deploys.map((d) => serviceId(grid, stack, d.service));
    }
    case 'node': {
      if (!NODE_CHANGES.has(type)) return [];
      const [grid] = splitOnce(stream.id);
      return reader.ids(gridIndexes.services(grid));
    }
    case 'secret': {
      if (!SECRET_CHANGES.has(type)) return [];
      const [grid, name] = splitOnce(stream.id);
      return reader.ids(crossIndexes.secretServices(grid, name));
    }
    default:
      return [];
  }
}

/** `<grid>/<rest>`: grid names contain no `/`. */
function splitOnce(id: string): [string, string] {
  const slash = id.indexOf('/');
  return slash < 0 ? [id, ''] : [id.slice(0, slash), id.slice(slash + 1)];
}
