import type { NodeEvent, PlacementEvent } from '@libs/domain';
import type { RecordedEnvelope } from '@libs/eventstore';
import {
  crossIndexes,
  InstancePodDoc,
  NodeDoc,
  Projection,
  ReadModelOp,
  ReadModelReader,
  serviceIndexes,
  ServiceInstanceDoc,
} from '@libs/read-model';
import { occurredAt, ops } from './projection-helpers';

type Ops = ReturnType<typeof ops>;

/** The pod's own view of its ports and name (an `@libs/queues` ServicePod). */
interface PodFacts {
  ports?: { node_port?: number | null }[];
  labels?: Record<string, string>;
  service_name?: string;
  instance_number?: number;
}

function containerName(pod: PodFacts, n: number): string {
  return pod.labels?.['io.kontena.container.name'] ?? `${pod.service_name ?? 'service'}-${n}`;
}

async function projectPlacement(envelope: RecordedEnvelope, reader: ReadModelReader): Promise<ReadModelOp[]> {
  const event = envelope.event as PlacementEvent;
  const serviceId = envelope.streamName.slice('placement-'.length);
  const o = ops(reader.keys);
  const at = occurredAt(envelope);
  const n = (event.data as { instance_number?: number }).instance_number;
  if (n === undefined) return [];
  const id = `${serviceId}/${n}`;
  const doc = await reader.doc<ServiceInstanceDoc>('instance', id);
  const put = (next: ServiceInstanceDoc) => o.putDoc('instance', id, { ...next, updated_at: at });

  switch (event.type) {
    case 'InstancePlaced': {
      const d = event.data;
      const pod = d.pod as PodFacts;
      const node = await reader.doc<NodeDoc>('node', d.node);
      const moved = doc?.node?.id !== d.node;
      const base: ServiceInstanceDoc = doc ?? {
        id,
        instance_number: n,
        desired_state: 'initialized',
        state: 'initialized',
        deploy_rev: null,
        rev: null,
        error: null,
        node: null,
        health_status: null,
        created_at: at,
        updated_at: at,
        service_id: serviceId,
        name: containerName(pod, n),
        node_ports: [],
        ports: [],
        exit_code: null,
      };
      const next: ServiceInstanceDoc = {
        ...base,
        desired_state: d.desired_state,
        deploy_rev: d.deploy_rev,
        node: { id: d.node, name: d.node_name, public_ip: node?.public_ip ?? null },
        name: containerName(pod, n),
        node_ports: (pod.ports ?? []).map((p) => p.node_port ?? 0).filter((p) => p > 0),
        // What the previous node said is not news from this one.
        ...(moved
          ? { state: 'initialized', rev: null, error: null, health_status: null, ports: [], exit_code: null }
          : {}),
      };
      const podDoc: InstancePodDoc = {
        instanceId: id,
        serviceId,
        instanceNumber: n,
        deployRev: d.deploy_rev,
        desiredState: d.desired_state,
        pod: d.pod as Record<string, unknown>,
      };
      return [
        put(next),
        o.index(serviceIndexes.instances(serviceId), id, n),
        ...(moved && doc?.node ? [o.unindex(crossIndexes.nodeInstances(doc.node.id), id)] : []),
        o.index(crossIndexes.nodeInstances(d.node), id),
        o.putDoc('pod', id, podDoc),
      ];
    }
    case 'InstanceDesiredStateChanged': {
      if (!doc) return [];
      const pod = await reader.doc<InstancePodDoc>('pod', id);
      return [
        put({ ...doc, desired_state: event.data.desired_state }),
        ...(pod ? [o.putDoc('pod', id, { ...pod, desiredState: event.data.desired_state })] : []),
      ];
    }
    case 'InstanceUnplaced':
      if (!doc) return [];
      return [
        put({
          ...doc,
          node: null,
          state: 'initialized',
          rev: null,
          error: null,
          health_status: null,
          ports: [],
        }),
        ...(doc.node ? [o.unindex(crossIndexes.nodeInstances(doc.node.id), id)] : []),
        o.dropDoc('pod', id),
      ];
    case 'InstanceRemoved':
      if (!doc) return [];
      return [
        o.dropDoc('instance', id),
        o.unindex(serviceIndexes.instances(serviceId), id),
        ...(doc.node ? [o.unindex(crossIndexes.nodeInstances(doc.node.id), id)] : []),
        o.dropDoc('pod', id),
      ];
    case 'InstanceStateReported': {
      const d = event.data;
      // A node the instance has left only confirms removals; the document shows the placed node's view.
      if (!doc || doc.node?.id !== d.node) return [];
      return [
        put({
          ...doc,
          state: d.state,
          rev: d.deploy_rev,
          error: d.error,
          health_status: d.health,
          ports: d.ports,
          exit_code: d.exit_code,
        }),
      ];
    }
    default:
      return [];
  }
}

/** A removed node leaves its instances without a node, as Kontena's `nullify` did. */
async function projectNodeRemoval(
  envelope: RecordedEnvelope,
  reader: ReadModelReader,
  o: Ops,
): Promise<ReadModelOp[]> {
  const nodeId = envelope.streamName.slice('node-'.length);
  const ids = await reader.ids(crossIndexes.nodeInstances(nodeId));
  const docs = await reader.docs<ServiceInstanceDoc>('instance', ids);
  const at = occurredAt(envelope);
  return [
    ...docs.map((doc) =>
      o.putDoc('instance', `${doc.service_id}/${doc.instance_number}`, {
        ...doc,
        node: null,
        updated_at: at,
      }),
    ),
    ...ids.map((id) => o.dropDoc('pod', id)),
    o.dropIndex(crossIndexes.nodeInstances(nodeId)),
  ];
}

/**
 * Service instances (`doc('instance', …)`, `serviceIndexes.instances`, `crossIndexes.nodeInstances`) and the
 * pods agents pull (`doc('pod', …)`), from the reconciler's placement streams (docs/reconciliation.md).
 */
export const instancesProjection: Projection = {
  name: 'instances',
  project(envelope: RecordedEnvelope, reader: ReadModelReader): Promise<ReadModelOp[]> | ReadModelOp[] {
    if (envelope.streamName.startsWith('placement-')) return projectPlacement(envelope, reader);
    if (envelope.streamName.startsWith('node-') && (envelope.event as NodeEvent).type === 'NodeRemoved') {
      return projectNodeRemoval(envelope, reader, ops(reader.keys));
    }
    return [];
  },
};
