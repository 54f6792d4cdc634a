import { assertNever, Decider, Decision } from '../shared/decider';
import { FoldedMap, withEntry, withoutEntry } from '../shared/folded-map';
import type { PlacementCommand } from './placement.commands';
import type {
  InstanceDesiredState,
  InstanceStateReported,
  PlacedPod,
  PlacementEvent,
  RescheduleReason,
} from './placement.events';

/** What the placed node last reported about the instance. */
export type ReportedInstance = Omit<InstanceStateReported['data'], 'instance_number' | 'instance_event'>;

export interface PlacedInstance {
  instance_number: number;
  /** `<grid>/<node>`; null once unplaced by a reschedule request, until the next deploy places it. */
  node: string | null;
  node_name: string | null;
  deploy_rev: string;
  desired_state: InstanceDesiredState;
  pod: PlacedPod;
  placed_at: string;
  /**
   * The stream version of the last decision about this instance (placement or desired state): part of the
   * job id, so each decision is sent once and a repeated pass sends the same job again.
   */
  generation: number;
  /** The latest report from the node it is placed on (null until one arrives after placing). */
  reported: ReportedInstance | null;
  /** The last failed start on its node, until it runs: a deploy fails on it even if a retry is under way. */
  last_error: { deploy_rev: string; error: string } | null;
}

/** A copy of an instance on a node it has left; that node is told to remove it until it reports `removed`. */
export interface Leftover {
  instance_number: number;
  node: string;
  deploy_rev: string;
  reason: string;
}

export interface PlacementState {
  /** Events folded so far: the stream's next expected revision is `version - 1` (none while 0). */
  version: number;
  instances: FoldedMap<number, PlacedInstance>;
  leftovers: readonly Leftover[];
  /** The latest restart request passed on to agents. */
  restart: { request: number; instances: readonly number[]; at: string } | null;
  /** The latest reschedule request (service stream revision) handled. */
  rescheduleHandled: number;
  /** The scheduler loop's latest decision, with the deploy it requested. */
  rescheduled: { reason: RescheduleReason; deploy_id: string | null; at: string | null } | null;
}

export const initialPlacement: PlacementState = {
  version: 0,
  instances: new Map(),
  leftovers: [],
  restart: null,
  rescheduleHandled: -1,
  rescheduled: null,
};

function withInstance(state: PlacementState, instance: PlacedInstance): FoldedMap<number, PlacedInstance> {
  return withEntry(state.instances, instance.instance_number, instance);
}

/** The copy an instance leaves behind on its node when it moves, is unplaced or removed. */
function leaving(
  state: PlacementState,
  instance: PlacedInstance,
  reason: string,
  staying?: string,
): Leftover[] {
  if (instance.node === null || instance.node === staying) return [...state.leftovers];
  const others = state.leftovers.filter(
    (l) => !(l.instance_number === instance.instance_number && l.node === instance.node),
  );
  return [
    ...others,
    {
      instance_number: instance.instance_number,
      node: instance.node,
      deploy_rev: instance.deploy_rev,
      reason,
    },
  ];
}

function evolve(state: PlacementState, event: PlacementEvent): PlacementState {
  const version = state.version + 1;
  switch (event.type) {
    case 'InstancePlaced': {
      const d = event.data;
      const before = state.instances.get(d.instance_number);
      const sameNode = before?.node === d.node;
      // An instance comes back to a node it had left: that node runs it again, nothing to remove there.
      const leftovers = (before ? leaving(state, before, 'moved', d.node) : [...state.leftovers]).filter(
        (l) => !(l.instance_number === d.instance_number && l.node === d.node),
      );
      return {
        ...state,
        version,
        leftovers,
        instances: withInstance(state, {
          instance_number: d.instance_number,
          node: d.node,
          node_name: d.node_name,
          deploy_rev: d.deploy_rev,
          desired_state: d.desired_state,
          pod: d.pod,
          placed_at: d.at,
          generation: version,
          reported: sameNode ? (before?.reported ?? null) : null,
          last_error: null,
        }),
      };
    }
    case 'InstanceDesiredStateChanged': {
      const before = state.instances.get(event.data.instance_number);
      if (!before) return { ...state, version };
      return {
        ...state,
        version,
        instances: withInstance(state, {
          ...before,
          desired_state: event.data.desired_state,
          generation: version,
        }),
      };
    }
    case 'InstanceUnplaced': {
      const before = state.instances.get(event.data.instance_number);
      const handled = Math.max(state.rescheduleHandled, event.data.request);
      if (!before || before.node === null) return { ...state, version, rescheduleHandled: handled };
      return {
        ...state,
        version,
        rescheduleHandled: handled,
        leftovers: leaving(state, before, 'rescheduled'),
        instances: withInstance(state, {
          ...before,
          node: null,
          node_name: null,
          reported: null,
          generation: version,
        }),
      };
    }
    case 'InstanceRemoved': {
      const before = state.instances.get(event.data.instance_number);
      if (!before) return { ...state, version };
      const instances = withoutEntry(state.instances, event.data.instance_number);
      return { ...state, version, instances, leftovers: leaving(state, before, event.data.reason) };
    }
    case 'InstanceStateReported': {
      // What the agent said happened is for the event logs, not part of the instance's state.
      const { instance_number, instance_event: _said, ...report } = event.data;
      const leftovers =
        report.state === 'removed'
          ? state.leftovers.filter((l) => !(l.instance_number === instance_number && l.node === report.node))
          : state.leftovers;
      const before = state.instances.get(instance_number);
      if (!before || before.node !== report.node) return { ...state, version, leftovers };
      const last_error =
        report.state === 'error'
          ? { deploy_rev: report.deploy_rev, error: report.error ?? 'the instance failed to start' }
          : report.state === 'running'
            ? null
            : before.last_error;
      return {
        ...state,
        version,
        leftovers,
        instances: withInstance(state, { ...before, reported: report, last_error }),
      };
    }
    case 'RestartRequestForwarded': {
      const { request, instances, at } = event.data;
      return { ...state, version, restart: { request, instances, at } };
    }
    case 'ServiceRescheduled':
      return {
        ...state,
        version,
        rescheduled: {
          reason: event.data.reason,
          deploy_id: event.data.deploy_id ?? null,
          at: event.data.at ?? null,
        },
      };
    case 'InstanceEventReported':
      return { ...state, version };
    default:
      return assertNever(event, 'placement event');
  }
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether a report says something the placement does not know yet (time of the report aside). */
function changes(before: ReportedInstance | null, report: ReportedInstance): boolean {
  if (!before) return true;
  const { reported_at: _a, ...was } = before;
  const { reported_at: _b, ...now } = report;
  return !sameJson(was, now);
}

/**
 * How far back a straggler can be: agents' reports are retried for about a minute (`RETRYING` in
 * `@libs/queues`: 8 attempts, 250 ms doubling). A report older than that behind the last one is not a retry but
 * a node whose clock was set back, and what it says counts.
 */
const STRAGGLER_WINDOW_MS = 2 * 60_000;

/**
 * A report its node made before the one already recorded (same node, so the same clock): a retry that lost the
 * race against a newer report. Recording it would take the instance back to an older state (`starting` after
 * `running`) and leave its deploy waiting until the node's next pull says otherwise.
 */
function straggler(before: ReportedInstance | null, report: ReportedInstance): boolean {
  if (!before || before.node !== report.node) return false;
  const behind = Date.parse(before.reported_at) - Date.parse(report.reported_at);
  return behind > 0 && behind <= STRAGGLER_WINDOW_MS;
}

/**
 * Reports from agents (the report worker's commands). Only changes become events: an agent repeating itself
 * appends nothing, and neither does a retried report older than what its node said since. A report from a node
 * the instance is not placed on only counts when it confirms a removal.
 */
function decide(command: PlacementCommand, state: PlacementState): Decision<PlacementEvent> {
  switch (command.type) {
    case 'RecordInstanceReport': {
      const { instance_number, instance_event: said, ...report } = command.data;
      const placed = state.instances.get(instance_number);
      const recorded =
        placed && placed.node === report.node
          ? changes(placed.reported, report) && !straggler(placed.reported, report)
          : report.state === 'removed' &&
            state.leftovers.some((l) => l.instance_number === instance_number && l.node === report.node);
      if (recorded) return [{ type: 'InstanceStateReported', data: command.data }];
      // Nothing new about the state, but what the agent said happened still goes to the event logs.
      return said
        ? [{ type: 'InstanceEventReported', data: { instance_number, node: report.node_name, ...said } }]
        : [];
    }
    case 'RecordInstanceEvent':
      return [{ type: 'InstanceEventReported', data: command.data }];
    default:
      return assertNever(command, 'placement command');
  }
}

export const placementDecider: Decider<PlacementState, PlacementCommand, PlacementEvent> = {
  initialState: initialPlacement,
  evolve,
  decide,
};
