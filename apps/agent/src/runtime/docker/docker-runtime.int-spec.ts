// The docker runtime against a real Docker-compatible engine (Podman, set up by scripts/container-engine.sh)
// with a busybox image: the same lifecycle as the process runtime, in containers.
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import type { InstanceRuntime, InstanceSpec } from '../runtime';
import { BUSYBOX_IMAGE, ENGINE_SOCKET, requireEngine } from '../testing/container-engine';
import { Recorder } from '../testing/event-recorder';
import { LABEL } from './container-config';
import { createDockerRuntime } from './docker-runtime';

const SCOPE = `test-${randomBytes(4).toString('hex')}`;
let docker: Docker;
let runtime: InstanceRuntime;
let recorder: Recorder;
let counter = 0;

const runtimeOptions = {
  socketPath: ENGINE_SOCKET,
  scope: SCOPE,
  backoff: { unitMs: 100, maxMs: 1_000, resetAfterMs: 10_000 },
  settleMs: 300,
  waitForPortIntervalMs: 100,
  waitForPortTimeoutMs: 10_000,
  unhealthyThreshold: 2,
  pullTimeoutMs: 20_000,
};

beforeAll(async () => {
  docker = await requireEngine();
});

beforeEach(() => {
  runtime = createDockerRuntime(runtimeOptions);
  recorder = new Recorder(runtime);
});

afterEach(async () => {
  for (const state of await runtime.list()) await runtime.remove(state.instanceId);
  recorder.stop();
  await runtime.close();
});

afterAll(async () => {
  // Whatever a failed test left in this file's scope.
  const left = await docker?.listContainers({ all: true, filters: { label: [`${LABEL.scope}=${SCOPE}`] } });
  for (const container of left ?? []) await docker.getContainer(container.Id).remove({ force: true });
});

/** A shell script in busybox; `trap` because PID 1 ignores SIGTERM unless it handles it. */
function containerSpec(script: string, overrides: Partial<InstanceSpec> = {}): InstanceSpec {
  const n = ++counter;
  return {
    instanceId: `test-grid/null/box/${n}`,
    name: `${SCOPE}-box-${n}`,
    service_revision: 1,
    deploy_rev: 'rev-1',
    image: BUSYBOX_IMAGE,
    cmd: ['sh', '-c', script],
    env: { GREETING: 'hello from busybox' },
    ports: [],
    stop_grace_period: 2,
    labels: { 'io.kontena.service.id': 'test-grid/null/box' },
    ...overrides,
  };
}

const WEB = [
  'mkdir -p /www',
  'echo "$GREETING" > /www/index.html',
  'echo ok > /www/health',
  'httpd -p 8080 -h /www',
  'echo serving',
  'trap "echo got TERM; exit 0" TERM',
  'while true; do sleep 0.1; done',
].join('; ');

const webSpec = (overrides: Partial<InstanceSpec> = {}) =>
  containerSpec(WEB, {
    ports: [{ container_port: 8080, node_port: null, protocol: 'tcp' }],
    wait_for_port: 8080,
    ...overrides,
  });

async function started(spec: InstanceSpec) {
  const outcome = await runtime.start(spec);
  if (!outcome.ok) throw new Error(`start failed: ${outcome.reason}`);
  return outcome.state;
}

describe('docker runtime', () => {
  it('creates and starts a labelled container with published ports, running once its port answers', async () => {
    const spec = webSpec();
    const state = await started(spec);
    expect(state).toMatchObject({ status: 'running', runtime: 'docker', name: spec.name });
    const [port] = state.ports;
    expect(port).toMatchObject({ container_port: 8080, protocol: 'tcp' });
    const response = await fetch(`http://127.0.0.1:${port.host_port}/index.html`, {
      signal: AbortSignal.timeout(3_000),
    });
    expect(await response.text()).toBe('hello from busybox\n');
    const info = await docker.getContainer(state.container_id!).inspect();
    expect(info.Name.replace(/^\//, '')).toBe(spec.name);
    expect(info.Config.Labels).toMatchObject({
      [LABEL.instanceId]: spec.instanceId,
      [LABEL.scope]: SCOPE,
      'io.kontena.container.deploy_rev': 'rev-1',
      'io.kontena.service.instance_number': String(counter),
    });
    expect(await runtime.start(spec)).toMatchObject({
      ok: true,
      action: 'unchanged',
      state: { container_id: state.container_id },
    });
    expect(recorder.types(spec.instanceId)).toEqual(['starting', 'running']);
  });

  it('delivers the container output in order, per stream, through the logs API', async () => {
    const spec = containerSpec(
      'for i in $(seq 1 40); do echo "out $i"; echo "err $i" >&2; done; trap "exit 0" TERM; while true; do sleep 0.1; done',
    );
    await started(spec);
    await recorder.waitFor(
      () => recorder.logText(spec.instanceId, 'stderr').length >= 40,
      10_000,
      () => '40 stderr lines',
    );
    expect(recorder.logText(spec.instanceId, 'stdout')).toEqual(
      Array.from({ length: 40 }, (_, i) => `out ${i + 1}`),
    );
    expect(recorder.logText(spec.instanceId, 'stderr')).toEqual(
      Array.from({ length: 40 }, (_, i) => `err ${i + 1}`),
    );
  });

  it('fails a command that exits at once with its exit code and stderr tail', async () => {
    const spec = containerSpec('echo "fatal: no config file" >&2; exit 2');
    const outcome = await runtime.start(spec);
    expect(outcome).toMatchObject({
      ok: false,
      exit_code: 2,
      stderr_tail: ['fatal: no config file'],
      reason: `${spec.name} exited at once with code 2; stderr: fatal: no config file`,
    });
  });

  it('fails with an actionable reason for an image the node does not have and cannot pull', async () => {
    const outcome = await runtime.start(
      containerSpec('true', { image: 'localhost/kontena-es/no-such-image:1' }),
    );
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringContaining(
        'image localhost/kontena-es/no-such-image:1 is not on this node and pulling it failed',
      ),
    });
  });

  it('restarts a container that dies, reporting it crashed, in the same container', async () => {
    const spec = webSpec();
    const state = await started(spec);
    await docker.getContainer(state.container_id!).kill({ signal: 'SIGKILL' });
    expect(await recorder.next(spec.instanceId, 'exited')).toMatchObject({ exit_code: 137 });
    expect(await recorder.next(spec.instanceId, 'crashed')).toMatchObject({
      exit_code: 137,
      restart_in_ms: 0,
    });
    await recorder.next(spec.instanceId, 'running', { from: 2 });
    const after = (await runtime.inspect(spec.instanceId))!;
    expect(after).toMatchObject({ status: 'running', restarts: 1, container_id: state.container_id });
    expect(after.pid).not.toBe(state.pid);
  });

  it('restarts a container whose health check fails, probing the container address', async () => {
    // Healthy for a second, then /health disappears (404); each new run starts healthy again.
    const script = WEB.replace('echo serving', 'echo serving; { sleep 1; rm /www/health; } & true');
    const spec = containerSpec(script, {
      ports: [{ container_port: 8080, node_port: null, protocol: 'tcp' }],
      wait_for_port: 8080,
      health_check: {
        protocol: 'http',
        port: 8080,
        uri: '/health',
        interval: 0.2,
        timeout: 1,
        initial_delay: 0,
      },
    });
    await started(spec);
    expect(await recorder.next(spec.instanceId, 'health', { timeoutMs: 10_000 })).toMatchObject({
      status: 'healthy',
      detail: 'HTTP 200',
    });
    expect(await recorder.next(spec.instanceId, 'health', { from: 3, timeoutMs: 10_000 })).toMatchObject({
      status: 'unhealthy',
      detail: 'HTTP 404',
    });
    expect(await recorder.next(spec.instanceId, 'restarting')).toMatchObject({ reason: 'unhealthy' });
    await recorder.next(spec.instanceId, 'running', { from: 3, timeoutMs: 10_000 });
    expect(await runtime.inspect(spec.instanceId)).toMatchObject({ restarts: 1 });
  });

  it('stops with the stop signal when the container honours it', async () => {
    const spec = webSpec();
    await started(spec);
    const outcome = await runtime.stop(spec.instanceId);
    expect(outcome).toMatchObject({ ok: true, killed: false, exit_code: 0, state: { status: 'stopped' } });
    expect(recorder.logText(spec.instanceId, 'stdout')).toContain('got TERM');
    const info = await docker.getContainer((await runtime.inspect(spec.instanceId))!.container_id!).inspect();
    expect(info.State.Running).toBe(false);
  });

  it('kills a container that ignores the stop signal once the grace period is over', async () => {
    const spec = containerSpec('trap "" TERM; while true; do sleep 0.1; done', { stop_grace_period: 1 });
    await started(spec);
    const t0 = Date.now();
    const outcome = await runtime.stop(spec.instanceId);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_000);
    expect(outcome).toMatchObject({ ok: true, killed: true, exit_code: 137 });
  });

  it('samples stats through the stats API', async () => {
    const spec = containerSpec('trap "exit 0" TERM; i=0; while true; do i=$((i+1)); done');
    await started(spec);
    await new Promise((r) => setTimeout(r, 300));
    const [stats] = await runtime.stats(spec.instanceId);
    expect(stats.memory_bytes).toBeGreaterThan(0);
    expect(stats.cpu_pct).toBeGreaterThan(1);
  });

  it('removes the container', async () => {
    const spec = webSpec();
    const state = await started(spec);
    expect(await runtime.remove(spec.instanceId)).toEqual({ ok: true, existed: true });
    await expect(docker.getContainer(state.container_id!).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(recorder.types(spec.instanceId).slice(-1)).toEqual(['removed']);
  });

  it('a restarted agent adopts its containers by label and starts no duplicate', async () => {
    const spec = webSpec();
    const state = await started(spec);
    await runtime.close();

    runtime = createDockerRuntime(runtimeOptions);
    recorder = new Recorder(runtime);
    expect(await runtime.list()).toEqual([
      expect.objectContaining({
        instanceId: spec.instanceId,
        status: 'running',
        supervised: false,
        container_id: state.container_id,
      }),
    ]);
    expect(await runtime.start(spec)).toMatchObject({
      ok: true,
      action: 'unchanged',
      state: { container_id: state.container_id },
    });
    const named = await docker.listContainers({ all: true, filters: { name: [spec.name] } });
    expect(named).toHaveLength(1);
    // Supervised again: a crash is restarted.
    await docker.getContainer(state.container_id!).kill({ signal: 'SIGKILL' });
    await recorder.next(spec.instanceId, 'crashed');
    await recorder.next(spec.instanceId, 'running');
  });
});
