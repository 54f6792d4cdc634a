import fc from 'fast-check';
import { deciderSpecification, testContext } from '@libs/testing';
import { fold } from '../shared/decider';
import type { RecordInstanceReport } from './placement.commands';
import { placementDecider } from './placement.decider';
import type { InstancePlaced, InstanceStateReported, PlacementEvent } from './placement.events';

const spec = deciderSpecification(placementDecider, testContext);
const at = testContext.now.toISOString();

const placed = (n: number, node: string, deploy_rev = 'd1'): InstancePlaced => ({
  type: 'InstancePlaced',
  data: {
    instance_number: n,
    node,
    node_name: node.split('/')[1],
    deploy_rev,
    desired_state: 'running',
    pod: { image_name: 'x' },
    at,
  },
});

const report = (
  n: number,
  node: string,
  state: InstanceStateReported['data']['state'],
  deploy_rev = 'd1',
  reported_at = at,
): RecordInstanceReport => ({
  type: 'RecordInstanceReport',
  data: {
    instance_number: n,
    node,
    node_name: node.split('/')[1],
    deploy_rev,
    state,
    error: state === 'error' ? 'exited with code 1' : null,
    exit_code: null,
    health: null,
    ports: [],
    reported_at,
  },
});
const reported = (command: RecordInstanceReport): InstanceStateReported => ({
  type: 'InstanceStateReported',
  data: command.data,
});

describe('placement', () => {
  describe('reports', () => {
    it('records a report from the node the instance is placed on, and only when something changed', () => {
      const running = report(1, 'g/n1', 'running');
      spec
        .given([placed(1, 'g/n1')])
        .when(running)
        .then([reported(running)]);
      // The same state again, later: nothing new.
      spec
        .given([placed(1, 'g/n1'), reported(running)])
        .when(report(1, 'g/n1', 'running', 'd1', '2026-11-22T12:01:00.000Z'))
        .then([]);
      const crashed = report(1, 'g/n1', 'crashed');
      spec
        .given([placed(1, 'g/n1'), reported(running)])
        .when(crashed)
        .then([reported(crashed)]);
    });

    it('ignores a retried report its node made before the one recorded, unless its clock was set back', () => {
      const later = (seconds: number) => new Date(testContext.now.getTime() + seconds * 1000).toISOString();
      const starting = report(1, 'g/n1', 'starting', 'd1', later(0));
      const running = report(1, 'g/n1', 'running', 'd1', later(1));
      // `starting` failed once and came back after `running` was recorded: the instance stays running.
      spec
        .given([placed(1, 'g/n1'), reported(running)])
        .when(starting)
        .then([]);
      // A node whose clock went back ten minutes is believed: that is no retry.
      const afterClockStep = report(1, 'g/n1', 'crashed', 'd1', later(-600));
      spec
        .given([placed(1, 'g/n1'), reported(running)])
        .when(afterClockStep)
        .then([reported(afterClockStep)]);
      // Another node's clock is not comparable: a report from the node it moved to counts.
      const moved = report(1, 'g/n2', 'starting', 'd2', later(-1));
      spec
        .given([placed(1, 'g/n1'), reported(running), placed(1, 'g/n2', 'd2')])
        .when(moved)
        .then([reported(moved)]);
    });

    it('ignores what a node the instance is not placed on says, unless it confirms a removal', () => {
      spec
        .given([placed(1, 'g/n1')])
        .when(report(1, 'g/n2', 'running'))
        .then([]);
      spec
        .given([])
        .when(report(1, 'g/n2', 'running'))
        .then([]);
      const removed = report(1, 'g/n1', 'removed');
      // Moved from n1 to n2: n1's copy is a leftover until n1 says it is gone.
      spec
        .given([placed(1, 'g/n1'), placed(1, 'g/n2', 'd2')])
        .when(removed)
        .then([reported(removed)]);
      const state = fold(placementDecider, [placed(1, 'g/n1'), placed(1, 'g/n2', 'd2'), reported(removed)]);
      expect(state.leftovers).toEqual([]);
      expect(state.instances.get(1)?.node).toBe('g/n2');
    });

    it('keeps the last failed start until the instance runs', () => {
      const failed = report(1, 'g/n1', 'error');
      const retrying = report(1, 'g/n1', 'starting');
      const state = fold(placementDecider, [placed(1, 'g/n1'), reported(failed), reported(retrying)]);
      expect(state.instances.get(1)?.last_error).toEqual({ deploy_rev: 'd1', error: 'exited with code 1' });
      const ran = fold(placementDecider, [
        placed(1, 'g/n1'),
        reported(failed),
        reported(report(1, 'g/n1', 'running')),
      ]);
      expect(ran.instances.get(1)?.last_error).toBeNull();
    });

    it('records every instance event', () => {
      const event = {
        instance_number: 2,
        node: 'n1',
        type: 'service:instance_crash',
        severity: 'warn' as const,
        message: 'exited',
      };
      spec
        .given([])
        .when({ type: 'RecordInstanceEvent', data: event })
        .then([{ type: 'InstanceEventReported', data: event }]);
    });

    it('records what the agent said happened with the state it led to, and on its own when the state is no news', () => {
      const said = {
        type: 'service:start_instance',
        severity: 'info' as const,
        message: 'service instance web-1 started',
      };
      const saying = (command: RecordInstanceReport): RecordInstanceReport => ({
        ...command,
        data: { ...command.data, instance_event: said },
      });
      const running = report(1, 'g/n1', 'running');
      const runningAndSaid = saying(running);
      // One fact, one event: the state and why.
      spec
        .given([placed(1, 'g/n1')])
        .when(runningAndSaid)
        .then([reported(runningAndSaid)]);
      // The state was already recorded (a retried job), or a node the instance is not on says it: the event still counts.
      spec
        .given([placed(1, 'g/n1'), reported(running)])
        .when(runningAndSaid)
        .then([{ type: 'InstanceEventReported', data: { instance_number: 1, node: 'n1', ...said } }]);
      spec
        .given([placed(1, 'g/n1')])
        .when(saying(report(1, 'g/n2', 'running')))
        .then([{ type: 'InstanceEventReported', data: { instance_number: 1, node: 'n2', ...said } }]);
      // What was said is not part of the instance's state: the same state without it later is no news either.
      spec
        .given([placed(1, 'g/n1'), reported(runningAndSaid)])
        .when(running)
        .then([]);
      const state = fold(placementDecider, [placed(1, 'g/n1'), reported(runningAndSaid)]);
      expect(state.instances.get(1)?.reported).not.toHaveProperty('instance_event');
    });
  });

  describe('decisions', () => {
    it('leaves a copy to remove on the node an instance moves away from, is unplaced from or removed from', () => {
      const moved = fold(placementDecider, [placed(1, 'g/n1'), placed(1, 'g/n2', 'd2')]);
      expect(moved.leftovers).toEqual([
        { instance_number: 1, node: 'g/n1', deploy_rev: 'd1', reason: 'moved' },
      ]);
      const unplaced = fold(placementDecider, [
        placed(1, 'g/n1'),
        { type: 'InstanceUnplaced', data: { instance_number: 1, request: 7 } },
      ]);
      expect(unplaced.instances.get(1)?.node).toBeNull();
      expect(unplaced.rescheduleHandled).toBe(7);
      expect(unplaced.leftovers).toHaveLength(1);
      const removed = fold(placementDecider, [
        placed(1, 'g/n1'),
        { type: 'InstanceRemoved', data: { instance_number: 1, reason: 'scaled down' } },
      ]);
      expect(removed.instances.size).toBe(0);
      expect(removed.leftovers).toEqual([
        { instance_number: 1, node: 'g/n1', deploy_rev: 'd1', reason: 'scaled down' },
      ]);
    });

    it('redeploying on the same node leaves nothing behind and keeps what the node last said', () => {
      const running = reported(report(1, 'g/n1', 'running'));
      const state = fold(placementDecider, [placed(1, 'g/n1'), running, placed(1, 'g/n1', 'd2')]);
      expect(state.leftovers).toEqual([]);
      expect(state.instances.get(1)?.reported?.deploy_rev).toBe('d1');
      expect(state.instances.get(1)?.deploy_rev).toBe('d2');
    });

    it('moving back to a node it had left cancels the removal there', () => {
      const state = fold(placementDecider, [
        placed(1, 'g/n1'),
        placed(1, 'g/n2', 'd2'),
        placed(1, 'g/n1', 'd3'),
      ]);
      expect(state.leftovers).toEqual([
        { instance_number: 1, node: 'g/n2', deploy_rev: 'd2', reason: 'moved' },
      ]);
    });

    it('gives every decision its own generation', () => {
      const state = fold(placementDecider, [
        placed(1, 'g/n1'),
        { type: 'InstanceDesiredStateChanged', data: { instance_number: 1, desired_state: 'stopped' } },
      ]);
      expect(state.instances.get(1)).toMatchObject({ desired_state: 'stopped', generation: 2 });
      expect(state.version).toBe(2);
    });
  });

  it('never places one instance on two nodes, whatever the order of decisions and reports', () => {
    const node = fc.constantFrom('g/n1', 'g/n2', 'g/n3');
    const n = fc.integer({ min: 1, max: 3 });
    const event: fc.Arbitrary<PlacementEvent> = fc.oneof(
      fc.tuple(n, node, fc.constantFrom('d1', 'd2')).map(([i, nd, rev]) => placed(i, nd, rev)),
      n.map((i): PlacementEvent => ({ type: 'InstanceRemoved', data: { instance_number: i, reason: 'x' } })),
      fc
        .tuple(n, fc.nat(20))
        .map(([i, r]): PlacementEvent => ({
          type: 'InstanceUnplaced',
          data: { instance_number: i, request: r },
        })),
      fc
        .tuple(
          n,
          node,
          fc.constantFrom('running', 'removed', 'error') as fc.Arbitrary<'running' | 'removed' | 'error'>,
        )
        .map(([i, nd, s]) => reported(report(i, nd, s))),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const state = fold(placementDecider, events);
        for (const [number, instance] of state.instances) {
          // A node holds a copy either as the placement or as a leftover, never both.
          expect(state.leftovers.some((l) => l.instance_number === number && l.node === instance.node)).toBe(
            false,
          );
        }
        const keys = state.leftovers.map((l) => `${l.instance_number}@${l.node}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
    );
  });
});
