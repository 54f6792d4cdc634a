import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { createLogger } from '@libs/logging';
import { AgentJob, AgentReportJob, bullPrefix, InstanceAssignment, QUEUES, reportsIn } from '@libs/queues';
import { connectRedis } from '@libs/redis';
import { deletePrefix, uniquePrefix, until } from '@libs/testing';
import { MasterApi } from '../master/master-api';
import { HollowRuntime } from '../runtime';
import { AGENT_VERSION } from '../version';
import { NodeAgent } from './node-agent';

jest.setTimeout(60_000);

const assignment = (
  n: number,
  deployRev = 'd1',
  secrets: { secret: string; name: string; type: 'env' }[] = [],
): InstanceAssignment => ({
  instanceId: `g/null/web/${n}`,
  serviceId: 'g/null/web',
  instanceNumber: n,
  deployRev,
  desiredState: 'running',
  pod: {
    service_id: 'g/null/web',
    service_name: 'web',
    service_revision: 1,
    instance_number: n,
    image_name: 'web:1',
    cmd: ['serve'],
    entrypoint: null,
    env: ['A=1'],
    secrets,
    ports: [],
    hostname: `web-${n}`,
    user: null,
    memory: null,
    memory_swap: null,
    cpus: null,
    cpu_shares: null,
    stop_signal: null,
    stop_grace_period: 1,
    health_check: null,
    wait_for_port: null,
    volumes: [],
    net: 'bridge',
    labels: {},
  },
});

/** Just enough of the master for an agent: registration, its pods, its instances' secrets. */
class FakeMaster {
  pods: InstanceAssignment[] = [];
  readonly requests: string[] = [];
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.requests.push(
        `${req.method} ${req.url} ${req.headers['kontena-grid-token'] ? 'grid' : (req.headers['kontena-node-token'] ?? '')}`,
      );
      res.setHeader('content-type', 'application/json');
      if (req.method === 'PUT') {
        const first = !!req.headers['kontena-grid-token'];
        res.statusCode = first ? 201 : 200;
        return res.end(
          JSON.stringify({
            id: 'g/n1',
            name: 'n1',
            node_number: 1,
            grid: { name: 'g' },
            ...(first ? { node_token: 'node-secret' } : {}),
          }),
        );
      }
      if (req.url?.startsWith('/v1/nodes/g/n1/service_pods'))
        return res.end(JSON.stringify({ service_pods: this.pods }));
      if (req.url?.startsWith('/v1/nodes/g/n1/secrets'))
        return res.end(JSON.stringify({ secrets: [{ name: 'DB_PASSWORD', value: 'pw' }] }));
      res.statusCode = 404;
      res.end('{"error":"Not found"}');
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('node agent (hollow runtime, real Redis and BullMQ, a fake master)', () => {
  const prefix = uniquePrefix('agent');
  const redis = connectRedis(process.env.REDIS_URL, 'request');
  const workerRedis = connectRedis(process.env.REDIS_URL, 'worker');
  const dataDir = mkdtempSync(join(tmpdir(), 'agent-int-'));
  const master = new FakeMaster();
  const runtime = new HollowRuntime({ startLatencyMs: { min: 20, max: 60 }, logIntervalMs: 0 });
  const jobs = new Queue<AgentJob>(QUEUES.agent('g/n1'), { connection: redis, prefix: bullPrefix(prefix) });
  const reports = new Queue<AgentReportJob>(QUEUES.reports, {
    connection: redis,
    prefix: bullPrefix(prefix),
  });
  let agent: NodeAgent;

  beforeAll(async () => {
    master.pods = [assignment(9)];
    agent = new NodeAgent({
      name: 'n1',
      labels: ['ssd'],
      dataDir,
      api: new MasterApi(await master.start(), AGENT_VERSION),
      gridToken: 'grid-secret',
      runtime,
      redis,
      workerConnection: workerRedis,
      redisPrefix: prefix,
      heartbeatMs: 200,
      pullMs: 500,
      nodeInfoMs: 60_000,
      statsMs: 60_000,
      jobConcurrency: 16,
      logger: createLogger('agent-test', { level: 'silent' }),
    });
    await agent.start();
  });

  afterAll(async () => {
    await agent?.stop();
    await jobs.close();
    await reports.close();
    await master.stop();
    await deletePrefix(redis, prefix);
    redis.disconnect();
    workerRedis.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const reported = async () =>
    (await reports.getJobs(['waiting', 'completed', 'active', 'delayed'], 0, 10_000)).flatMap((j) =>
      reportsIn(j.data),
    );

  it('registers with the grid token once, then keeps its node token to itself (mode 600)', async () => {
    expect(decodeURIComponent(master.requests[0])).toMatch(
      /^PUT \/v1\/nodes\/[0-9A-F]{4}(:[0-9A-F]{4}){11} grid$/,
    );
    expect(master.requests.filter((r) => r.startsWith('GET')).every((r) => r.endsWith('node-secret'))).toBe(
      true,
    );
    expect(statSync(join(dataDir, 'identity.json')).mode & 0o777).toBe(0o600);
    expect(await redis.hget(`${prefix}agent:heartbeat`, 'g/n1')).toMatch(/^\d{13}$/);
  });

  it('runs what its pull assigns and removes what it no longer does', async () => {
    await until('instance 9 runs', async () => (await runtime.inspect('g/null/web/9'))?.status === 'running');
    master.pods = [];
    await until('instance 9 is removed', async () => (await runtime.inspect('g/null/web/9')) === null);
    // The runtime forgets the instance before the agent has queued its report of it: wait for the report.
    const removed = await until('instance 9 is reported removed', async () =>
      (await reported()).some(
        (r) => r.kind === 'instance-state' && r.instanceId === 'g/null/web/9' && r.state === 'removed',
      ),
    );
    expect(removed).toBe(true);
  });

  it('runs each instance once however many duplicate jobs are flooded into its queue', async () => {
    const flood = [];
    for (let copy = 0; copy < 40; copy++) {
      for (let n = 1; n <= 5; n++) {
        flood.push({
          name: 'ensure-instance',
          data: { kind: 'ensure-instance' as const, assignment: assignment(n) },
          opts: { jobId: `flood/${n}/${copy}` },
        });
      }
    }
    master.pods = [1, 2, 3, 4, 5].map((n) => assignment(n));
    await jobs.addBulk(flood);
    await until(
      'the flood is processed',
      async () =>
        (await jobs.getJobCounts('waiting', 'active')).waiting +
          (await jobs.getJobCounts('active')).active ===
        0,
    );
    const states = await Promise.all([1, 2, 3, 4, 5].map((n) => runtime.inspect(`g/null/web/${n}`)));
    for (const state of states)
      expect(state).toMatchObject({ status: 'running', restarts: 0, deploy_rev: 'd1' });
    // A start is reported once: `running`, with the agent's `service:start_instance` event in the same report.
    const starts = (await reported()).filter(
      (r) =>
        r.kind === 'instance-state' &&
        r.event?.type === 'service:start_instance' &&
        r.instanceId !== 'g/null/web/9',
    );
    expect(starts.map((r) => r.instanceId).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `g/null/web/${n}`));
  });

  it('fetches an instance’s secrets from the master when it starts it, and a new deploy replaces the instance', async () => {
    const next = assignment(1, 'd2', [{ secret: 'DB_PASSWORD', name: 'DB_PASSWORD', type: 'env' }]);
    master.pods = [next, ...[2, 3, 4, 5].map((n) => assignment(n))];
    await jobs.add(
      'ensure-instance',
      { kind: 'ensure-instance', assignment: next },
      { jobId: 'ensure/g/null/web/1/d2/1' },
    );
    await until(
      'instance 1 runs deploy d2',
      async () => (await runtime.inspect('g/null/web/1'))?.deploy_rev === 'd2',
    );
    expect(
      master.requests.some((r) =>
        r.startsWith('GET /v1/nodes/g/n1/secrets?instance=g%2Fnull%2Fweb%2F1 node-secret'),
      ),
    ).toBe(true);
  });
});
