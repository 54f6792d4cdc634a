import { deployThrottle, plan, reportSatisfies } from './plan';
import { node, SETTINGS, T0, World } from './testing/world';

const eventTypes = (events: readonly { type: string }[]) => events.map((e) => e.type);

describe('plan: deploys (kontena-behaviour.md §5)', () => {
  it('starts a deploy with one scheduler pass and deploys the first instance', () => {
    const world = new World().create({ instances: 3 });
    const id = world.deploy();
    const out = world.pass();
    expect(eventTypes(out.deployEvents.get(id)!.events)).toEqual([
      'ServiceDeployQueued',
      'ServiceDeployStarted',
      'ServiceDeployScheduled',
      'InstanceDeployStarted',
    ]);
    const scheduled = world.deployOf(id).scheduled!;
    expect(scheduled.instance_count).toBe(3);
    // HA spreads three instances over three nodes.
    expect(new Set(scheduled.placements.map((p) => p.node)).size).toBe(3);
    expect(out.placementEvents).toEqual([
      expect.objectContaining({
        type: 'InstancePlaced',
        data: expect.objectContaining({ instance_number: 1, deploy_rev: id, desired_state: 'running' }),
      }),
    ]);
    expect(out.jobs).toEqual([
      expect.objectContaining({
        node: scheduled.placements[0].node,
        jobId: `ensure/g/null/web/1/${id}/1`,
        job: expect.objectContaining({ kind: 'ensure-instance' }),
      }),
    ]);
    expect(out.requeueAfterMs).toBe(SETTINGS.pollMs);
  });

  it('finishes with success once every instance reports running at the deploy revision', () => {
    const world = new World().create({ instances: 3 });
    const id = world.deploy();
    world.settle();
    const deploy = world.deployOf(id);
    expect(deploy.finished).toEqual({ state: 'success', reason: null });
    expect([...deploy.instances.values()].map((i) => i.state)).toEqual(['success', 'success', 'success']);
    for (const n of [1, 2, 3]) expect(world.runningOn(n)).toHaveLength(1);
  });

  it('a failed instance ends the deploy in error with its reason, and no later instance starts', () => {
    const world = new World().create({ instances: 3 });
    world.behaviour = (n) => (n === 2 ? 'fails' : 'runs');
    const id = world.deploy();
    world.settle();
    const deploy = world.deployOf(id);
    expect(deploy.finished).toEqual({
      state: 'error',
      reason:
        'halting deploy of g/null/web, one or more instances failed: instance 2: exited with code 1: boom',
    });
    expect(deploy.instances.get(2)).toMatchObject({ state: 'error', error: 'exited with code 1: boom' });
    expect(deploy.instances.has(3)).toBe(false);
  });

  it('says which instance no node can take, with the scheduler reason', () => {
    const world = new World().create({ instances: 2, affinity: ['node==n9'] });
    const id = world.deploy();
    world.settle();
    expect(world.deployOf(id).finished).toEqual({
      state: 'error',
      reason:
        'Cannot find applicable node for service instance g/null/web-1: Did not find any nodes for affinity filter: node==n9',
    });
  });

  it('fails an instance that does not report running within the timeout', () => {
    const world = new World().create({ instances: 1 });
    world.behaviour = () => 'hangs';
    const id = world.deploy();
    world.pass();
    const on = world.deployOf(id).scheduled!.placements[0].node_name;
    world.now += SETTINGS.instanceDeployTimeoutMs + 1;
    world.pass();
    world.pass();
    expect(world.deployOf(id).finished?.reason).toBe(
      `halting deploy of g/null/web, one or more instances failed: instance 1: service instance g/null/web-1 did not report running on node ${on} within 300 s`,
    );
  });

  it('halts a deploy that outlives the deploy timeout', () => {
    const world = new World().create({ instances: 1 });
    world.behaviour = () => 'hangs';
    const id = world.deploy();
    world.pass();
    world.now += SETTINGS.deployTimeoutMs + 1;
    world.pass();
    expect(world.deployOf(id).finished).toEqual({
      state: 'error',
      reason: 'halting deploy of g/null/web, deploy timed out after 30 minutes',
    });
    expect(world.deployOf(id).instances.get(1)).toMatchObject({
      state: 'error',
      error: 'the deploy timed out',
    });
  });

  it('aborts a deploy of a service that is not running when it picks it up', () => {
    const world = new World().create({ instances: 1 });
    const id = world.deploy();
    world.service({ type: 'ServiceStopped', data: {} });
    const out = world.pass();
    expect(eventTypes(out.deployEvents.get(id)!.events)).toEqual([
      'ServiceDeployQueued',
      'ServiceDeployAborted',
    ]);
    expect(world.deployOf(id).finished).toEqual({ state: 'error', reason: 'service is not running' });
  });

  it('halts when the desired state changes during the deploy', () => {
    const world = new World().create({ instances: 2 });
    world.behaviour = () => 'hangs';
    const id = world.deploy();
    world.pass();
    world.service({ type: 'ServiceStopped', data: {} });
    world.pass();
    expect(world.deployOf(id).finished?.reason).toBe(
      'halting deploy of g/null/web, desired state has changed',
    );
  });

  it('fails an instance whose node went away since the deploy started', () => {
    const world = new World().create({
      instances: 2,
      deploy_opts: { wait_for_port: null, min_health: 0.8, interval: null },
    });
    world.behaviour = () => 'hangs';
    const id = world.deploy();
    world.pass();
    const second = world.deployOf(id).scheduled!.placements[1];
    world.nodes = world.nodes.map((n) => (n.id === second.node ? { ...n, connected: false } : n));
    // Instance 1 never reports, so the deploy is still on it; let it succeed now.
    world.behaviour = () => 'runs';
    const first = world.deployOf(id).scheduled!.placements[0];
    world.report(first.node, 1, id, 'running');
    world.pass();
    world.pass();
    expect(world.deployOf(id).instances.get(2)).toMatchObject({
      state: 'error',
      error: `Host node ${second.node_name} is offline`,
    });
    expect(world.deployOf(id).finished?.state).toBe('error');
  });

  it('throttles to floor(count × (1 − min_health)) instances in flight, at least 1 and at most 20', () => {
    expect(deployThrottle(3, 0.8)).toBe(1);
    expect(deployThrottle(10, 0.8)).toBe(2);
    expect(deployThrottle(10, null)).toBe(2);
    expect(deployThrottle(5, 0)).toBe(5);
    expect(deployThrottle(100, 0)).toBe(20);
    const world = new World().create({
      instances: 5,
      deploy_opts: { wait_for_port: null, min_health: 0, interval: null },
    });
    world.behaviour = () => 'hangs';
    const id = world.deploy();
    world.pass();
    expect(world.deployOf(id).instances.size).toBe(5);
  });

  it('removes the instances above the count when a deploy scales down, then finishes', () => {
    const world = new World().create({ instances: 3 });
    world.deploy();
    world.settle();
    const down = world.scale(1);
    world.settle();
    expect(world.deployOf(down).finished).toEqual({ state: 'success', reason: null });
    expect([...world.placement.instances.keys()]).toEqual([1]);
    expect(world.placement.leftovers).toEqual([]);
    expect(world.runningOn(2)).toEqual([]);
    expect(world.runningOn(3)).toEqual([]);
  });

  it('runs one deploy at a time, oldest first', () => {
    const world = new World().create({ instances: 1 });
    world.behaviour = () => 'hangs';
    const first = world.deploy();
    const second = world.deploy();
    world.pass();
    expect(world.deployOf(first).started).toBe(true);
    expect(world.deployOf(second).queued).toBe(false);
  });

  it('repeating a pass on the same state decides and sends the same, so nothing is doubled', () => {
    const world = new World().create({ instances: 3 });
    world.deploy();
    const input = world.input();
    expect(plan(input)).toEqual(plan(input));
  });
});

describe('plan: stack deploys', () => {
  const stacked = () => {
    const a = new World('g/s/a').create({ instances: 1 });
    return a;
  };

  it('waits for the services before it in link order, and stops the stack deploy at the first failure', () => {
    const a = stacked();
    const b = new World('g/s/b').create({ instances: 1 });
    a.deploy('da', 'sd1');
    b.deploy('db', 'sd1');
    const members = [
      { service: 'g/s/a', deploy_id: 'da' },
      { service: 'g/s/b', deploy_id: 'db' },
    ];
    // Both worlds share the stack deploy's streams.
    a.deployStreams.set('db', b.deployOf('db'));
    b.deployStreams = a.deployStreams;
    b.stackDeployStreams = a.stackDeployStreams;
    a.stackMembers.set('sd1', members);
    b.stackMembers.set('sd1', members);

    // b waits: a has not finished.
    b.pass();
    expect(b.deployOf('db')).toMatchObject({ queued: true, started: false });

    a.behaviour = () => 'fails';
    a.settle();
    expect(a.deployOf('da').finished?.state).toBe('error');
    expect(a.deployOf('db').finished).toEqual({
      state: 'error',
      reason: 'halting stack deploy: deploy of service g/s/a failed',
    });
    expect(a.stackDeployStreams.get('sd1')).toMatchObject({ started: true, finished: { state: 'error' } });
    expect(a.lastPlan!.reconcileAlso).toEqual([]);
  });

  it('finishes the stack deploy with its last service, and asks for the next service in between', () => {
    const a = stacked();
    a.deploy('da', 'sd2');
    a.stackMembers.set('sd2', [
      { service: 'g/s/a', deploy_id: 'da' },
      { service: 'g/s/b', deploy_id: 'db' },
    ]);
    a.deployStreams.set('db', a.deployOf('da'));
    let asked: string[] = [];
    for (let i = 0; i < 10; i++) asked = [...asked, ...a.pass().reconcileAlso];
    expect(a.deployOf('da').finished?.state).toBe('success');
    expect(asked).toContain('g/s/b');
    expect(a.stackDeployStreams.get('sd2')).toMatchObject({ started: true, finished: null });
  });
});

describe('plan: desired state outside deploys', () => {
  it('stops and starts instances with the service', () => {
    const world = new World().create({ instances: 2 });
    world.deploy();
    world.settle();
    world.service({ type: 'ServiceStopped', data: {} });
    const stopped = world.pass();
    expect(stopped.placementEvents.map((e) => e.type)).toEqual([
      'InstanceDesiredStateChanged',
      'InstanceDesiredStateChanged',
    ]);
    expect(
      stopped.jobs.map((j) => j.job.kind === 'ensure-instance' && j.job.assignment.desiredState),
    ).toEqual(['stopped', 'stopped']);
    world.service({ type: 'ServiceStarted', data: {} });
    const started = world.pass();
    expect(
      started.jobs.map((j) => j.job.kind === 'ensure-instance' && j.job.assignment.desiredState),
    ).toEqual(['running', 'running']);
    // A new decision, a new job id: the stop's id is not reused.
    expect(started.jobs[0].jobId).not.toBe(stopped.jobs[0].jobId);
  });

  it('passes a restart request on once', () => {
    const world = new World().create({ instances: 2 });
    world.deploy();
    world.settle();
    world.service({ type: 'ServiceRestartRequested', data: {} });
    const out = world.pass();
    const restarts = out.jobs.filter((j) => j.job.kind === 'restart-instance');
    expect(restarts.map((j) => j.jobId)).toEqual([
      `restart/g/null/web/1/${world.serviceEvents.length - 1}`,
      `restart/g/null/web/2/${world.serviceEvents.length - 1}`,
    ]);
    expect(world.pass().placementEvents).toEqual([]);
    world.now += SETTINGS.restartResendMs + 1;
    expect(world.pass().jobs.filter((j) => j.job.kind === 'restart-instance')).toEqual([]);
  });

  it('removes every instance of a removed service and settles its deploy', () => {
    const world = new World().create({ instances: 2 });
    world.behaviour = () => 'hangs';
    const id = world.deploy();
    world.pass();
    world.service({ type: 'ServiceRemoved', data: { grid: 'g', stack: 'null', name: 'web' } });
    const out = world.pass();
    expect(world.deployOf(id).finished).toEqual({
      state: 'error',
      reason: 'halting deploy of g/null/web, service was removed',
    });
    expect(out.placementEvents.map((e) => e.type)).toEqual(['InstanceRemoved']);
    expect(out.jobs.map((j) => j.job.kind)).toEqual(['remove-instance']);
    world.settle();
    expect(world.placement.instances.size).toBe(0);
    expect(world.placement.leftovers).toEqual([]);
  });

  it('takes a rescheduled instance off its node, and the scheduler loop deploys it again', () => {
    const world = new World().create({ instances: 1 });
    world.deploy();
    world.settle();
    const before = world.placement.instances.get(1)!.node;
    world.service({ type: 'ServiceInstanceRescheduleRequested', data: { instance_number: 1 } });
    const out = world.pass();
    expect(out.placementEvents.map((e) => e.type)).toEqual(['InstanceUnplaced', 'ServiceRescheduled']);
    expect(out.jobs).toEqual([
      expect.objectContaining({ node: before, job: expect.objectContaining({ kind: 'remove-instance' }) }),
    ]);
    expect(out.deployRequests).toHaveLength(1);
    world.settle();
    expect(world.placement.instances.get(1)?.node).not.toBeNull();
    expect(world.runningOn(1)).toHaveLength(1);
  });
});

describe('plan: the scheduler loop (kontena-behaviour.md §4)', () => {
  const deployed = (definition = {}) => {
    const world = new World().create({ instances: 3, ...definition });
    world.deploy();
    world.settle();
    return world;
  };

  it('leaves a service alone when its instances are where they should be', () => {
    const world = deployed();
    const out = world.pass();
    expect(out).toMatchObject({ placementEvents: [], deployRequests: [], jobs: [] });
  });

  it('moves stateless instances off a drained node with a new deploy', () => {
    const world = deployed();
    world.nodes = world.nodes.map((n) => (n.name === 'n2' ? { ...n, availability: 'drain' } : n));
    const out = world.pass();
    expect(out.placementEvents).toEqual([
      { type: 'ServiceRescheduled', data: expect.objectContaining({ reason: 'instances' }) },
    ]);
    world.settle();
    const nodes = [...world.placement.instances.values()].map((i) => i.node);
    expect(nodes).not.toContain('g/n2');
    expect(world.agents.get('g/n2')?.size ?? 0).toBe(0);
  });

  it('stops stateful instances on a drained node and never moves them', () => {
    const world = deployed({ stateful: true });
    const where = [...world.placement.instances.values()].map((i) => i.node);
    world.nodes = world.nodes.map((n) => (n.name === 'n2' ? { ...n, availability: 'drain' } : n));
    world.settle();
    expect([...world.placement.instances.values()].map((i) => i.node)).toEqual(where);
    const onN2 = [...world.placement.instances.values()].find((i) => i.node === 'g/n2')!;
    expect(onN2.desired_state).toBe('stopped');
    world.nodes = world.nodes.map((n) => (n.name === 'n2' ? { ...n, availability: 'active' } : n));
    world.settle();
    expect(world.placement.instances.get(onN2.instance_number)?.desired_state).toBe('running');
  });

  it('waits out the strategy grace period for an offline node, then moves its instances', () => {
    const world = deployed();
    world.nodes = world.nodes.map((n) =>
      n.name === 'n3' ? { ...n, connected: false, lastSeenMs: world.now } : n,
    );
    world.unreachable.add('g/n3');
    world.now += SETTINGS.gracePeriodMs.ha - 1_000;
    expect(world.pass().deployRequests).toEqual([]);
    world.now += 2_000;
    expect(world.pass().deployRequests).toHaveLength(1);
    world.settle();
    expect([...world.placement.instances.values()].map((i) => i.node)).not.toContain('g/n3');
    // n3's copy waits for its agent to come back and remove it.
    expect(world.placement.leftovers).toEqual([expect.objectContaining({ node: 'g/n3' })]);
    world.unreachable.delete('g/n3');
    world.nodes = world.nodes.map((n) =>
      n.name === 'n3' ? { ...n, connected: true, lastSeenMs: world.now } : n,
    );
    world.settle();
    for (const n of [1, 2, 3]) expect(world.runningOn(n)).toHaveLength(1);
  });

  it('redeploys a service whose instances started before a secret they use changed', () => {
    const world = deployed();
    world.secretsChangedMs = world.now + 1;
    world.now += 5_000;
    expect(world.pass().placementEvents).toEqual([
      { type: 'ServiceRescheduled', data: expect.objectContaining({ reason: 'outdated' }) },
    ]);
  });

  it('redeploys when the deploy interval passed, forcing a new revision', () => {
    const world = deployed({ deploy_opts: { wait_for_port: null, min_health: 0.8, interval: 60 } });
    world.now += 61_000;
    const out = world.pass();
    expect(out.deployRequests).toEqual([expect.objectContaining({ force: true })]);
  });

  it('does not ask again at once when the deploy it asked for failed', () => {
    const world = deployed();
    world.behaviour = () => 'fails';
    world.nodes = world.nodes.map((n) => (n.name === 'n2' ? { ...n, availability: 'drain' } : n));
    world.settle(10);
    const requested = world.serviceEvents.filter((e) => e.type === 'ServiceDeployRequested').length;
    world.pass();
    expect(world.serviceEvents.filter((e) => e.type === 'ServiceDeployRequested').length).toBe(requested);
    world.now += SETTINGS.rescheduleBackoffMs + 1;
    world.pass();
    expect(world.serviceEvents.filter((e) => e.type === 'ServiceDeployRequested').length).toBe(requested + 1);
  });

  it('requests the deploy again when the pass that decided it stopped before asking', () => {
    const world = deployed();
    world.nodes = world.nodes.map((n) => (n.name === 'n2' ? { ...n, availability: 'drain' } : n));
    const out = plan(world.input());
    world.placementEvents.push(...out.placementEvents); // recorded, but the deploy request was lost
    const again = world.pass();
    expect(again.deployRequests).toEqual([{ deploy_id: out.deployRequests[0].deploy_id, force: false }]);
  });

  it('does nothing for stateful services or without connected nodes', () => {
    const stateful = deployed({ stateful: true });
    stateful.nodes = stateful.nodes.map((n) => ({ ...n, connected: false, lastSeenMs: T0 - 3_600_000 }));
    expect(stateful.pass().deployRequests).toEqual([]);
  });
});

describe('reports', () => {
  it('a running instance satisfies running; a stopped or exited one satisfies stopped', () => {
    expect(reportSatisfies('running', 'crashed')).toBe(true);
    expect(reportSatisfies('running', 'exited')).toBe(false);
    expect(reportSatisfies('stopped', 'exited')).toBe(true);
    expect(reportSatisfies('stopped', 'running')).toBe(false);
  });

  it('asks again when the node reports something else than what is wanted', () => {
    const world = new World('g/null/web', [node('n1')]).create({ instances: 1 });
    const id = world.deploy();
    world.settle();
    world.report('g/n1', 1, id, 'exited');
    const out = world.pass();
    expect(out.jobs.map((j) => j.job.kind)).toEqual(['ensure-instance']);
  });
});
