import fc from 'fast-check';
import type { PlacementState, ServiceDefinition } from '@libs/domain';
import { deployThrottle } from './plan';
import { node, SETTINGS, World } from './testing/world';

/** What can happen between passes. */
type Action =
  | { kind: 'deploy' }
  | { kind: 'scale'; instances: number }
  | { kind: 'stop' }
  | { kind: 'start' }
  | { kind: 'restart' }
  | { kind: 'reschedule'; instance: number }
  | { kind: 'drain'; node: number }
  | { kind: 'activate'; node: number }
  | { kind: 'cut'; node: number }
  | { kind: 'heal'; node: number }
  | { kind: 'wait'; ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.constant({ kind: 'deploy' } as const),
  fc.integer({ min: 0, max: 5 }).map((instances) => ({ kind: 'scale', instances }) as const),
  fc.constant({ kind: 'stop' } as const),
  fc.constant({ kind: 'start' } as const),
  fc.constant({ kind: 'restart' } as const),
  fc.integer({ min: 1, max: 5 }).map((instance) => ({ kind: 'reschedule', instance }) as const),
  fc.integer({ min: 0, max: 3 }).map((n) => ({ kind: 'drain', node: n }) as const),
  fc.integer({ min: 0, max: 3 }).map((n) => ({ kind: 'activate', node: n }) as const),
  fc.integer({ min: 0, max: 3 }).map((n) => ({ kind: 'cut', node: n }) as const),
  fc.integer({ min: 0, max: 3 }).map((n) => ({ kind: 'heal', node: n }) as const),
  fc.constantFrom(1_000, 30_000, 200_000, 400_000).map((ms) => ({ kind: 'wait', ms }) as const),
);

const definition: fc.Arbitrary<Partial<ServiceDefinition>> = fc.record({
  instances: fc.integer({ min: 0, max: 5 }),
  strategy: fc.constantFrom('ha', 'random', 'daemon') as fc.Arbitrary<'ha' | 'random' | 'daemon'>,
  stateful: fc.boolean(),
  deploy_opts: fc.record({
    wait_for_port: fc.constant(null),
    min_health: fc.constantFrom(0, 0.5, 0.8, null),
    interval: fc.constant(null),
  }),
});

function apply(world: World, a: Action): void {
  const nodeAt = (i: number) => world.nodes[i % world.nodes.length];
  const change = (i: number, patch: Partial<(typeof world.nodes)[number]>) => {
    const target = nodeAt(i).id;
    world.nodes = world.nodes.map((n) => (n.id === target ? { ...n, ...patch } : n));
  };
  switch (a.kind) {
    case 'deploy':
      world.deploy();
      break;
    case 'scale':
      world.scale(a.instances);
      break;
    case 'stop':
      world.service({ type: 'ServiceStopped', data: {} });
      break;
    case 'start':
      world.service({ type: 'ServiceStarted', data: {} });
      break;
    case 'restart':
      world.service({ type: 'ServiceRestartRequested', data: {} });
      break;
    case 'reschedule':
      world.service({ type: 'ServiceInstanceRescheduleRequested', data: { instance_number: a.instance } });
      break;
    case 'drain':
      change(a.node, { availability: 'drain' });
      break;
    case 'activate':
      change(a.node, { availability: 'active' });
      break;
    case 'cut':
      change(a.node, { connected: false, lastSeenMs: world.now });
      world.unreachable.add(nodeAt(a.node).id);
      break;
    case 'heal':
      change(a.node, { connected: true, lastSeenMs: world.now });
      world.unreachable.delete(nodeAt(a.node).id);
      break;
    case 'wait':
      world.now += a.ms;
      world.nodes = world.nodes.map((n) => (n.connected ? { ...n, lastSeenMs: world.now } : n));
      break;
  }
}

/** Runs the actions, checking after every pass what plan() promises. */
function scenario(
  service: Partial<ServiceDefinition>,
  nodeCount: number,
  actions: Action[],
  failing: number,
): void {
  const world = new World(
    'g/null/web',
    Array.from({ length: nodeCount }, (_, i) => node(`n${i + 1}`)),
  );
  world.create(service);
  world.behaviour = (n) => (n === failing ? 'fails' : 'runs');
  world.deploy();
  const statefulHome = new Map<number, string>();

  const check = (before: PlacementState) => {
    const out = world.lastPlan!;
    for (const [deployId, { events }] of out.deployEvents) {
      const progress = world.deployOf(deployId);
      // Never two instance deploys of one instance in one deploy.
      const started = events
        .filter((e) => e.type === 'InstanceDeployStarted')
        .map((e) => (e.data as { instance_number: number }).instance_number);
      expect(new Set(started).size).toBe(started.length);
      const scheduled = progress.scheduled;
      if (scheduled && events.some((e) => e.type === 'ServiceDeployScheduled')) {
        // The scheduler placed them: only on connected, active nodes.
        for (const p of scheduled.placements) {
          const n = world.nodes.find((x) => x.id === p.node)!;
          expect(n.connected && n.availability === 'active').toBe(true);
        }
      }
      // Never more instance deploys in flight than the throttle allows.
      if (scheduled && !progress.finished) {
        const ongoing = [...progress.instances.values()].filter((i) => i.state === 'ongoing').length;
        const limit = deployThrottle(scheduled.instance_count, service.deploy_opts!.min_health);
        expect(ongoing).toBeLessThanOrEqual(limit);
      }
      // An instance deploy succeeds when its node reported it running at the deploy's revision (as the pass
      // saw it: what the pass sends afterwards, a stop for a drained node say, may change that at once)...
      for (const event of events) {
        if (event.type !== 'InstanceDeployFinished' || event.data.state !== 'success') continue;
        expect(before.instances.get(event.data.instance_number)?.reported).toMatchObject({
          deploy_rev: deployId,
          state: 'running',
        });
      }
      // ...and the deploy succeeds when all of them did.
      if (events.some((e) => e.type === 'ServiceDeployFinished') && progress.finished?.state === 'success') {
        for (let n = 1; n <= scheduled!.instance_count; n++) {
          expect(progress.instances.get(n)?.state).toBe('success');
          expect(before.instances.get(n)?.deploy_rev).toBe(deployId);
        }
      }
      // A failed instance ends the deploy in error, with a reason.
      if (progress.finished?.state === 'error') expect(progress.finished.reason).toEqual(expect.any(String));
    }
    // Placements follow the deploy's recorded scheduler pass.
    for (const event of out.placementEvents) {
      if (event.type !== 'InstancePlaced') continue;
      const scheduled = world.deployOf(event.data.deploy_rev).scheduled!;
      expect(scheduled.placements).toContainEqual(
        expect.objectContaining({ instance_number: event.data.instance_number, node: event.data.node }),
      );
    }
    // One copy of an instance runs on the nodes that can be reached.
    for (let n = 1; n <= 10; n++) expect(world.runningOn(n).length).toBeLessThanOrEqual(1);
    // Stateful instances stay where they were first placed, unless a user asked to reschedule them or they
    // were removed (scaled down).
    if (service.stateful) {
      for (const event of out.placementEvents) {
        if (event.type === 'InstanceUnplaced' || event.type === 'InstanceRemoved')
          statefulHome.delete(event.data.instance_number);
      }
      for (const instance of world.placement.instances.values()) {
        if (!instance.node) continue;
        const home = statefulHome.get(instance.instance_number);
        if (home === undefined) statefulHome.set(instance.instance_number, instance.node);
        else expect(instance.node).toBe(home);
      }
    }
  };

  for (const a of actions) {
    apply(world, a);
    for (let i = 0; i < 2; i++) {
      const before = world.placement;
      world.pass();
      check(before);
      world.now += 1_000;
    }
  }
}

describe('plan: properties', () => {
  it('keeps its promises whatever happens between passes', () => {
    fc.assert(
      fc.property(
        definition,
        fc.integer({ min: 1, max: 4 }),
        fc.array(action, { maxLength: 25 }),
        fc.integer({ min: 0, max: 5 }),
        scenario,
      ),
      { numRuns: 300 },
    );
  });

  it('a deploy on healthy agents ends in success, and one failing instance ends it in error naming it', () => {
    fc.assert(
      fc.property(
        definition,
        fc.integer({ min: 1, max: 4 }),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        (service, nodeCount, failing) => {
          const world = new World(
            'g/null/web',
            Array.from({ length: nodeCount }, (_, i) => node(`n${i + 1}`)),
          );
          world.create({ ...service, stateful: false });
          world.behaviour = (n) => (n === failing ? 'fails' : 'runs');
          const id = world.deploy();
          world.settle(200);
          const deploy = world.deployOf(id);
          const count = deploy.scheduled!.instance_count;
          if (failing !== undefined && failing <= count) {
            expect(deploy.finished?.state).toBe('error');
            expect(deploy.finished?.reason).toContain(`instance ${failing}: exited with code 1: boom`);
          } else {
            expect(deploy.finished).toEqual({ state: 'success', reason: null });
            for (let n = 1; n <= count; n++) expect(world.runningOn(n)).toHaveLength(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the timeouts it waits for are the configured ones', () => {
    expect(SETTINGS.instanceDeployTimeoutMs).toBe(300_000);
    expect(SETTINGS.deployTimeoutMs).toBe(1_800_000);
  });
});
