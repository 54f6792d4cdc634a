/**
 * Issue 4 (a): the reconciler lifecycle (create, scale, crash, remove) through the `docker` runtime, against
 * the real Docker-compatible engine scripts/container-engine.sh starts (Podman serving the Docker API) and its
 * busybox image. The whole system runs as processes; the assertions ask the engine itself what runs.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import type Docker from 'dockerode';
import type { ContainerInfo } from 'dockerode';
import { AppProcess, RunningSystem, serviceInstances, startApp, startSystem, testRedis } from '@libs/testing';
import { LABEL } from '../../apps/agent/src/runtime/docker/container-config';
import {
  BUSYBOX_IMAGE,
  ENGINE_SOCKET,
  requireEngine,
} from '../../apps/agent/src/runtime/testing/container-engine';
import { until } from './support/until';

jest.setTimeout(60_000);

const RUN = randomBytes(3).toString('hex');
const GRID = 'dock';
/** Unique per run: the container names (`<service>-<n>`) and scopes (node names) never meet another run's. */
const SERVICE = `web-${RUN}`;
const SERVICE_ID = `${GRID}/null/${SERVICE}`;
const NODES = [`dock-${RUN}-1`, `dock-${RUN}-2`];
const redis = testRedis();

/** A small web server; `trap` because PID 1 ignores SIGTERM unless it handles it, so stops stay quick. */
const WEB = [
  'mkdir -p /www',
  'echo "hello $NAME" > /www/index.html',
  'httpd -p 8080 -h /www',
  'trap "exit 0" TERM',
  'while true; do sleep 0.2; done',
].join('; ');

const RECONCILER_ENV = {
  NODE_OFFLINE_AFTER_MS: '5000',
  LIVENESS_INTERVAL_MS: '500',
  GRACE_PERIOD_MS: '1000',
  RESYNC_INTERVAL_MS: '2000',
  POLL_MS: '300',
  LEASE_TTL_MS: '3000',
};

let docker: Docker;
let system: RunningSystem | undefined;
const agents: AppProcess[] = [];

/** This run's containers, as the engine lists them (every state). */
async function containers(): Promise<ContainerInfo[]> {
  const all = await Promise.all(
    NODES.map((node) => docker.listContainers({ all: true, filters: { label: [`${LABEL.scope}=${node}`] } })),
  );
  return all.flat().filter((c) => c.Labels['io.kontena.service.id'] === SERVICE_ID);
}

const instances = () => serviceInstances(redis, system!.redisPrefix, SERVICE_ID);

/** What the container's web server answers on the host port the engine published. */
async function answer(container: ContainerInfo): Promise<string | undefined> {
  const port = container.Ports.find((p) => p.PrivatePort === 8080 && p.PublicPort)?.PublicPort;
  if (!port) return undefined;
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1_000) });
    return response.ok ? (await response.text()).trim() : undefined;
  } catch {
    return undefined;
  }
}

/** `count` running containers of the service, each answering, and as many running instance documents. */
async function allServing(count: number): Promise<ContainerInfo[] | undefined> {
  const list = await containers();
  if (list.length !== count || list.some((c) => c.State !== 'running')) return undefined;
  const answers = await Promise.all(list.map(answer));
  if (!answers.every((a) => a === `hello ${SERVICE}`)) return undefined;
  const docs = await instances();
  if (docs.length !== count || docs.some((d) => d.state !== 'running')) return undefined;
  return list;
}

async function deployDone(deployId: string): Promise<{ state: string; reason: string | null }> {
  return until(
    `deploy ${deployId} finished`,
    async () => {
      const deploy = await system!.admin.get(`/v1/services/${SERVICE_ID}/deploys/${deployId}`);
      return ['success', 'error'].includes(deploy.body.state) ? deploy.body : undefined;
    },
    40_000,
  );
}

beforeAll(async () => {
  // No engine: this fails every test with the message that says to run scripts/container-engine.sh.
  docker = await requireEngine();
  system = await startSystem();
  await system.startApp('reconciler', RECONCILER_ENV);
  const grid = await system.admin.post('/v1/grids', { name: GRID, initial_size: 1 });
  expect(grid.status).toBe(201);
  for (const name of NODES) {
    agents.push(
      startApp('agent', {
        ...system.env,
        API_URL: system.api.baseUrl,
        GRID_TOKEN: grid.body.token,
        NODE_NAME: name,
        AGENT_DATA_DIR: join(system.dataDir, 'agents', name),
        RUNTIME: 'docker',
        CONTAINER_ENGINE_SOCKET: ENGINE_SOCKET,
        HEARTBEAT_INTERVAL_MS: '500',
        PULL_INTERVAL_MS: '2000',
        NODE_INFO_INTERVAL_MS: '5000',
        STATS_INTERVAL_MS: '5000',
      }),
    );
  }
  await Promise.all(agents.map((a) => a.waitForLog((line) => line.msg === 'agent joined its grid', 30_000)));
}, 60_000);

afterAll(async () => {
  if (process.env.E2E_LOG_FILE && system) {
    const lines = [...system.logs(), ...agents.flatMap((a, i) => a.logs.map((l) => `[${NODES[i]}] ${l}`))];
    writeFileSync(process.env.E2E_LOG_FILE, lines.join('\n'));
  }
  for (const agent of agents) await agent.stop();
  // Containers outlive their agents on purpose (the next agent adopts them): this run removes its own.
  if (docker) {
    for (const node of NODES) {
      const left = await docker
        .listContainers({ all: true, filters: { label: [`${LABEL.scope}=${node}`] } })
        .catch(() => []);
      for (const c of left)
        await docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined);
    }
  }
  await system?.stop();
  redis.disconnect();
}, 60_000);

describe('the lifecycle through the docker runtime', () => {
  it('both docker nodes join the grid', async () => {
    const nodes = await until('two nodes are online', async () => {
      const list = await system!.admin.get(`/v1/grids/${GRID}/nodes`);
      const online = list.body.nodes.filter((n: { status: string }) => n.status === 'online');
      return online.length === 2 ? online : undefined;
    });
    expect(nodes.map((n: { name: string }) => n.name).sort()).toEqual(NODES);
  });

  it('deploys a busybox web server as a real, labelled container, and scales it 1 → 2', async () => {
    const created = await system!.admin.post(`/v1/grids/${GRID}/services`, {
      name: SERVICE,
      image: BUSYBOX_IMAGE,
      stateful: false,
      instances: 1,
      cmd: ['sh', '-c', WEB],
      env: [`NAME=${SERVICE}`],
      ports: [{ container_port: 8080, node_port: 0 }],
      stop_grace_period: '2s',
      deploy_opts: { wait_for_port: 8080, min_health: 0 },
    });
    expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
    const first = await system!.admin.post(`/v1/services/${SERVICE_ID}/deploy`, {});
    expect(await deployDone(first.body.id)).toMatchObject({ state: 'success' });
    const [one] = await until('one container serves', () => allServing(1));
    expect(one.Image).toBe(BUSYBOX_IMAGE);
    expect(one.Names).toEqual([`/${SERVICE}-1`]);

    const scaled = await system!.admin.post(`/v1/services/${SERVICE_ID}/scale`, { instances: 2 });
    expect(await deployDone(scaled.body.id)).toMatchObject({ state: 'success', reason: null });
    const two = await until('two containers serve', () => allServing(2));
    expect(two.map((c) => c.Names[0]).sort()).toEqual([`/${SERVICE}-1`, `/${SERVICE}-2`]);
    expect(two.map((c) => c.Labels[LABEL.instanceId]).sort()).toEqual([`${SERVICE_ID}/1`, `${SERVICE_ID}/2`]);
    // The default high-availability strategy puts them on different nodes, each in its own scope.
    expect(two.map((c) => c.Labels[LABEL.scope]).sort()).toEqual(NODES);
    const docs = await instances();
    expect(docs.map((d) => d.node?.name).sort()).toEqual(NODES);
  });

  it('a container killed through the engine is reported crashed and restarted', async () => {
    const [victim] = await containers();
    const before = await docker.getContainer(victim.Id).inspect();
    await docker.getContainer(victim.Id).kill({ signal: 'SIGKILL' });
    const log = await until('the crash is in the event log', async () => {
      const entries = (await system!.admin.get(`/v1/services/${SERVICE_ID}/event_logs?limit=1000`)).body
        .logs as { type: string; message: string }[];
      return entries.some((e) => e.type === 'service:instance_crash') ? entries : undefined;
    });
    expect(log.find((e) => e.type === 'service:instance_crash')?.message).toMatch(/exited with code 137/);
    // The agent restarts the same container (no restart policy: Kontena's agent restarted it itself).
    const after = await until('the container runs again, started anew', async () => {
      const info = await docker.getContainer(victim.Id).inspect();
      return info.State.Running && info.State.StartedAt !== before.State.StartedAt ? info : undefined;
    });
    expect(after.Id).toBe(before.Id);
    await until('both containers serve again', () => allServing(2));
  });

  it('removing the service removes its containers from the engine', async () => {
    expect((await system!.admin.delete(`/v1/services/${SERVICE_ID}`)).status).toBe(200);
    await until('no container of the service is left', async () => (await containers()).length === 0);
    await until('no instance document is left', async () => (await instances()).length === 0);
    expect((await system!.admin.get(`/v1/services/${SERVICE_ID}`)).status).toBe(404);
  });
});
