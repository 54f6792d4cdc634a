import { Queue } from 'bullmq';
import { streamName } from '@libs/eventstore';
import { bullPrefix, QUEUES } from '@libs/queues';
import { NodeDoc, serviceIndexes, ServiceInstanceDoc } from '@libs/read-model';
import { Reconciler } from './reconciler';
import { Harness, quietLogger, until } from './testing/harness';

jest.setTimeout(60_000);

/** The reconciler in this process against a real event store and Redis, with fake agents answering jobs. */
describe('reconciler (real event store, Redis, BullMQ)', () => {
  const h = new Harness();
  let reconciler: Reconciler;
  const nodes: string[] = [];
  /** Agents heard from: their heartbeats keep coming. */
  const alive = new Set<string>();
  let beating: NodeJS.Timeout;

  beforeAll(async () => {
    await h.start();
    await h.grid('g');
    for (const [i, name] of ['n1', 'n2', 'n3'].entries()) nodes.push(await h.node('g', name, i + 1));
    for (const node of nodes) alive.add(node);
    beating = setInterval(() => void Promise.all([...alive].map((n) => h.heartbeat(n))), 200);
    reconciler = new Reconciler(h.config({ NODE_OFFLINE_AFTER_MS: 1_500 }), quietLogger);
    await reconciler.start();
  });

  afterAll(async () => {
    clearInterval(beating);
    await reconciler?.stop();
    await h.stop();
  });

  const reconcileJobs = async (state: 'failed' | 'completed') => {
    const queue = new Queue<{ serviceId: string }>(QUEUES.reconcile, {
      connection: h.redis,
      prefix: bullPrefix(h.prefix),
    });
    try {
      return await queue.getJobs([state]);
    } finally {
      await queue.close();
    }
  };
  const deployDoc = (id: string) => h.reader.deploy(id);
  const instancesOf = async (serviceId: string) =>
    h.reader.docs<ServiceInstanceDoc>('instance', await h.reader.ids(serviceIndexes.instances(serviceId)));

  it('turns a deploy request into an ensure job on the chosen node, under a deterministic id', async () => {
    const service = await h.service('g', 'queued', { instances: 1 });
    await h.deploy(service, 'deploy-queued');
    const placed = await until(
      'the instance is placed',
      async () => (await instancesOf(service))[0]?.node?.id,
    );
    const queue = h.agentQueue(placed);
    const job = await until('the ensure job is in the node queue', async () =>
      (await queue.getJobs(['waiting', 'active', 'completed', 'delayed'])).find(
        (j) => j.data.kind === 'ensure-instance',
      ),
    );
    expect(job.id).toMatch(/^ensure\/g\/null\/queued\/1\/deploy-queued\/\d+$/);
    expect(job.data).toMatchObject({
      kind: 'ensure-instance',
      assignment: {
        instanceId: 'g/null/queued/1',
        deployRev: 'deploy-queued',
        desiredState: 'running',
        pod: { image_name: 'web:1' },
      },
    });
    // No agent answers: the deploy waits on it.
    expect((await deployDoc('deploy-queued'))?.state).toBe('ongoing');
  });

  it('drives a deploy to success when the agents report the instances running', async () => {
    // The agents run everything, but the `broken` service's command exits at once.
    for (const node of nodes) {
      h.fakeAgent(node, (job) =>
        job.assignment.serviceId === 'g/null/broken'
          ? { state: 'error', error: 'exited at once with code 3' }
          : { state: 'running' },
      );
    }
    const service = await h.service('g', 'web', {
      instances: 3,
      deploy_opts: { wait_for_port: null, min_health: 0.5, interval: null },
    });
    await h.deploy(service, 'deploy-web');
    const deploy = await until('the deploy succeeds', async () => {
      const doc = await deployDoc('deploy-web');
      return doc?.state === 'success' ? doc : undefined;
    });
    expect(deploy.instance_deploys.map((i) => i.state)).toEqual(['success', 'success', 'success']);
    const instances = await instancesOf(service);
    expect(instances.map((i) => [i.instance_number, i.state, i.rev])).toEqual([
      [1, 'running', 'deploy-web'],
      [2, 'running', 'deploy-web'],
      [3, 'running', 'deploy-web'],
    ]);
    expect(new Set(instances.map((i) => i.node?.id)).size).toBe(3);
    // The earlier deploy, waiting without an agent, finished too once the agents answered.
    await until(
      'the first deploy succeeds',
      async () => (await deployDoc('deploy-queued'))?.state === 'success',
    );
  });

  it('drives a deploy to error with the reason when an instance fails to start', async () => {
    const service = await h.service('g', 'broken', { instances: 1 });
    await h.deploy(service, 'deploy-broken');
    const deploy = await until('the deploy fails', async () => {
      const d = await deployDoc('deploy-broken');
      return d?.state === 'error' ? d : undefined;
    });
    expect(deploy.reason).toBe(
      'halting deploy of g/null/broken, one or more instances failed: instance 1: exited at once with code 3',
    );
    expect(deploy.instance_deploys).toEqual([
      expect.objectContaining({ instance_number: 1, state: 'error', error: 'exited at once with code 3' }),
    ]);
  });

  it('fails a deploy it cannot plan with the reason, and does not retry it', async () => {
    const service = await h.service('g', 'corrupt', { instances: 1 });
    await h.deploy(service, 'deploy-corrupt');
    // A deploy record no reconciler would write: scheduled, but without the service it deploys.
    await h.append(streamName('deploy', 'deploy-corrupt'), [
      { type: 'ServiceDeployQueued', data: {} },
      { type: 'ServiceDeployStarted', data: {} },
      {
        type: 'ServiceDeployScheduled',
        data: {
          at: new Date().toISOString(),
          instance_count: 1,
          placements: [{ instance_number: 1, node: 'g/n1', node_name: 'n1' }],
          unschedulable: null,
          service: {},
        },
      },
    ]);
    const deploy = await until('the deploy fails', async () => {
      const d = await deployDoc('deploy-corrupt');
      return d?.state === 'error' ? d : undefined;
    });
    expect(deploy.reason).toMatch(/^the reconciler cannot deploy g\/null\/corrupt: /);
    const failed = await reconcileJobs('failed');
    expect(failed.find((j) => j.data.serviceId === service)).toMatchObject({ attemptsMade: 1 });
  });

  it('takes a silent node offline and back online when it is heard from again', async () => {
    const node = 'g/n3';
    alive.delete(node);
    try {
      await until(
        'n3 is offline',
        async () => (await h.reader.doc<NodeDoc>('node', node))?.connected === false,
      );
      const events = await h.events(streamName('node', node));
      expect(events[events.length - 1]).toEqual({
        type: 'NodeDisconnected',
        data: expect.objectContaining({ code: 4030, reason: 'heartbeat timeout' }),
      });
      expect((await h.reader.doc<NodeDoc>('node', 'g/n1'))?.connected).toBe(true);

      alive.add(node);
      await until(
        'n3 is online',
        async () => (await h.reader.doc<NodeDoc>('node', node))?.connected === true,
      );
      const after = await h.events(streamName('node', node));
      expect(after[after.length - 1].type).toBe('NodeConnected');
    } finally {
      alive.add(node);
    }
  });
});
