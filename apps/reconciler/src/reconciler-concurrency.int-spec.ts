import { startApp } from '@libs/testing';
import { streamName } from '@libs/eventstore';
import { Reconciler } from './reconciler';
import { Harness, quietLogger, until } from './testing/harness';

jest.setTimeout(90_000);

/**
 * What must hold however many reconcilers run and however they die (docs/reconciliation.md): an instance is
 * deployed once per deploy and runs on one node, because BullMQ runs one pass per service at a time, every
 * stream is appended with its expected revision and every job has a deterministic id.
 */
describe('reconciler under concurrency and crashes', () => {
  const h = new Harness();
  const nodes: string[] = [];
  let beating: NodeJS.Timeout;
  /** What runs on each node, as the fake agents keep it: instance id → deploy rev. */
  const running = new Map<string, Map<string, string>>();

  beforeAll(async () => {
    await h.start();
    await h.grid('g');
    for (const [i, name] of ['n1', 'n2', 'n3', 'n4'].entries()) nodes.push(await h.node('g', name, i + 1));
    beating = setInterval(() => void Promise.all(nodes.map((n) => h.heartbeat(n))), 500);
    for (const node of nodes) {
      const copies = new Map<string, string>();
      running.set(node, copies);
      // Slow agents (300 ms a job): a deploy takes long enough to be interrupted.
      const agent = h.fakeAgent(
        node,
        (job) => {
          copies.set(job.assignment.instanceId, job.assignment.deployRev);
          return { state: 'running' };
        },
        300,
      );
      agent.worker.on('completed', (job) => {
        if (job.data.kind === 'remove-instance') copies.delete(job.data.instanceId);
      });
    }
  });

  afterAll(async () => {
    clearInterval(beating);
    await h.stop();
  });

  const instanceDeploysStarted = async (deployId: string) =>
    (await h.events(streamName('deploy', deployId))).filter((e) => e.type === 'InstanceDeployStarted');

  const copiesOf = (serviceId: string) =>
    [...running.entries()].flatMap(([node, copies]) =>
      [...copies.keys()].filter((id) => id.startsWith(`${serviceId}/`)).map((id) => ({ node, id })),
    );

  it('two reconcilers at once deploy each instance once', async () => {
    const first = new Reconciler(h.config(), quietLogger);
    const second = new Reconciler(h.config(), quietLogger);
    await Promise.all([first.start(), second.start()]);
    try {
      const service = await h.service('g', 'pair', {
        instances: 12,
        deploy_opts: { wait_for_port: null, min_health: 0, interval: null },
      });
      await h.deploy(service, 'deploy-pair');
      await until(
        'the deploy succeeds',
        async () => (await h.reader.deploy('deploy-pair'))?.state === 'success',
      );
      const started = await instanceDeploysStarted('deploy-pair');
      expect(
        started.map((e) => (e.data as { instance_number: number }).instance_number).sort((a, b) => a - b),
      ).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const placed = (await h.events(streamName('placement', service))).filter(
        (e) => e.type === 'InstancePlaced',
      );
      expect(placed).toHaveLength(12);
      const copies = copiesOf(service);
      expect(copies).toHaveLength(12);
      expect(new Set(copies.map((c) => c.id)).size).toBe(12);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('a reconciler killed with SIGKILL in the middle of a 20-instance deploy finishes it after a restart, with exactly 20 instances', async () => {
    const env = {
      EVENTSTORE_URL: h.eventStore.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: h.prefix,
      POLL_MS: '200',
      RESYNC_INTERVAL_MS: '2000',
      LEASE_TTL_MS: '2000',
      LOG_LEVEL: 'warn',
    };
    let reconciler = startApp('reconciler', env);
    const service = await h.service('g', 'chaos', { instances: 20 });
    await h.deploy(service, 'deploy-chaos');
    // Default min_health (0.8): four instances in flight at a time, so the deploy is well under way when killed.
    await until(
      'a few instances are deployed',
      async () => (await instanceDeploysStarted('deploy-chaos')).length >= 6,
    );
    await reconciler.kill('SIGKILL');
    const before = (await instanceDeploysStarted('deploy-chaos')).length;
    expect(before).toBeLessThan(20);

    reconciler = startApp('reconciler', env);
    try {
      const deploy = await until(
        'the deploy succeeds',
        async () => {
          const doc = await h.reader.deploy('deploy-chaos');
          return doc?.state === 'success' ? doc : undefined;
        },
        60_000,
      );
      expect(deploy.instance_deploys).toHaveLength(20);
      const started = await instanceDeploysStarted('deploy-chaos');
      expect(new Set(started.map((e) => (e.data as { instance_number: number }).instance_number)).size).toBe(
        20,
      );
      expect(started).toHaveLength(20);
      const copies = copiesOf(service);
      expect(copies).toHaveLength(20);
      expect(new Set(copies.map((c) => c.id)).size).toBe(20);
    } finally {
      await reconciler.stop();
    }
  });
});
