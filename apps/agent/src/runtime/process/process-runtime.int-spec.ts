// The process runtime with real processes: the fixture service (test/fixtures/http-service.js) run as
// instances, probed over real sockets, signalled, killed and looked up in /proc.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceRuntime, InstanceSpec } from '../runtime';
import { Recorder } from '../testing/event-recorder';
import { isSameProcess } from './proc';
import { createProcessRuntime } from './process-runtime';

const SERVICE = join(__dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'http-service.js');

let stateDir: string;
let runtime: InstanceRuntime;
let recorder: Recorder;
let counter = 0;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'process-runtime-'));
  runtime = createProcessRuntime({
    stateDir,
    backoff: { unitMs: 100, maxMs: 1_000, resetAfterMs: 10_000 },
    settleMs: 300,
    waitForPortIntervalMs: 50,
    waitForPortTimeoutMs: 5_000,
    unhealthyThreshold: 2,
    killWaitMs: 5_000,
    logPollMs: 100,
  });
  recorder = new Recorder(runtime);
});

afterEach(async () => {
  // Remove everything, so no test leaves a process behind even when it failed.
  for (const state of await runtime.list()) await runtime.remove(state.instanceId);
  recorder.stop();
  await runtime.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function serviceSpec(overrides: Partial<InstanceSpec> & { env?: Record<string, string> } = {}): InstanceSpec {
  const n = ++counter;
  return {
    instanceId: `test-grid/null/web/${n}`,
    name: `web-${n}`,
    service_revision: 1,
    deploy_rev: 'rev-1',
    image: 'unused',
    cmd: [process.execPath, SERVICE],
    ports: [{ container_port: 8080, node_port: null, protocol: 'tcp' }],
    wait_for_port: 8080,
    stop_grace_period: 2,
    labels: {},
    ...overrides,
    env: { NAME: `web-${n}`, ...(overrides.env ?? {}) },
  };
}

async function get(port: number, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3_000) });
  return { status: response.status, text: await response.text() };
}

async function started(spec: InstanceSpec) {
  const outcome = await runtime.start(spec);
  if (!outcome.ok) throw new Error(`start failed: ${outcome.reason}`);
  return outcome.state;
}

const alive = (pid: number) => isSameProcess(pid, null);

async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('process runtime', () => {
  it('runs a real HTTP server on an allocated host port, reported running once the port answers', async () => {
    const spec = serviceSpec({ env: { START_DELAY_MS: '400', SECRET: 'hunter2' } });
    const t0 = Date.now();
    const state = await started(spec);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(state).toMatchObject({ status: 'running', runtime: 'process', supervised: true, health: null });
    const [port] = state.ports;
    expect(port).toMatchObject({ container_port: 8080, protocol: 'tcp' });
    expect(port.host_port).toBeGreaterThan(1024);
    expect(await get(port.host_port, '/')).toEqual({ status: 200, text: `hello ${spec.name}` });
    expect(await get(port.host_port, '/env?name=PORT_8080')).toMatchObject({ text: String(port.host_port) });
    expect(await get(port.host_port, '/env?name=SECRET')).toMatchObject({ text: 'hunter2' });
    // Nothing of the agent's own environment leaks in.
    expect(await get(port.host_port, '/env?name=JEST_WORKER_ID')).toMatchObject({ text: '' });
    expect(recorder.types(spec.instanceId)).toEqual(['starting', 'running']);
  });

  it('is idempotent: starting the same spec again keeps the same process', async () => {
    const spec = serviceSpec();
    const first = await started(spec);
    const again = await runtime.start(spec);
    expect(again).toMatchObject({ ok: true, action: 'unchanged', state: { pid: first.pid } });
  });

  it('uses the node port when given', async () => {
    const probe = await import('./host-ports').then((m) => m.freeHostPort('tcp', () => false));
    const state = await started(
      serviceSpec({ ports: [{ container_port: 8080, node_port: probe, protocol: 'tcp' }] }),
    );
    expect(state.ports[0].host_port).toBe(probe);
    expect((await get(probe, '/')).status).toBe(200);
  });

  it('delivers stdout and stderr lines in order, and samples cpu and memory', async () => {
    const spec = serviceSpec();
    const state = await started(spec);
    const port = state.ports[0].host_port;
    await get(port, '/log?n=300');
    await get(port, '/burn?ms=300');
    await recorder.waitFor(
      () => recorder.logText(spec.instanceId, 'stderr').length >= 300,
      5_000,
      () => '300 stderr lines',
    );
    const out = recorder.logText(spec.instanceId, 'stdout').filter((l) => l.startsWith('out '));
    expect(out).toEqual(Array.from({ length: 300 }, (_, i) => `out ${i + 1}`));
    expect(recorder.logText(spec.instanceId, 'stderr')).toEqual(
      Array.from({ length: 300 }, (_, i) => `err ${i + 1}`),
    );
    expect(recorder.logText(spec.instanceId, 'stdout')[0]).toBe(`listening on ${port}`);
    const [stats] = await runtime.stats(spec.instanceId);
    expect(stats.memory_bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(stats.cpu_pct).toBeGreaterThan(0);
    expect(stats.processes).toBe(1);
  });

  it('fails a command that exits at once with its exit code and stderr tail', async () => {
    const spec = serviceSpec({ env: { EXIT_AT_ONCE: '3' } });
    const outcome = await runtime.start(spec);
    expect(outcome).toMatchObject({
      ok: false,
      exit_code: 3,
      stderr_tail: ['fatal: DATABASE_URL is not set'],
      reason: `${spec.name} exited while waiting for port 8080 with code 3; stderr: fatal: DATABASE_URL is not set`,
    });
    const error = await recorder.next(spec.instanceId, 'error');
    expect(error.restart_in_ms).toBe(0);
  });

  it('fails a command that does not exist with a reason', async () => {
    const outcome = await runtime.start(serviceSpec({ cmd: ['no-such-command-here'] }));
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringContaining('command not found: "no-such-command-here"'),
    });
  });

  it('fails the start when the port never answers within wait_for_port', async () => {
    const quick = createProcessRuntime({
      stateDir: join(stateDir, 'quick'),
      waitForPortTimeoutMs: 600,
      waitForPortIntervalMs: 50,
    });
    try {
      const spec = serviceSpec({ env: { START_DELAY_MS: '60000' } });
      const outcome = await quick.start(spec);
      expect(outcome).toMatchObject({
        ok: false,
        reason: expect.stringMatching(
          /^port 8080 of web-\d+ \(127\.0\.0\.1:\d+\) did not answer within 0\.6 s/,
        ),
      });
      await quick.remove(spec.instanceId);
    } finally {
      await quick.close();
    }
  });

  it('restarts a process killed from outside, reporting it crashed', async () => {
    const spec = serviceSpec();
    const state = await started(spec);
    process.kill(state.pid!, 'SIGKILL');
    const exited = await recorder.next(spec.instanceId, 'exited');
    expect(exited).toMatchObject({ exit_code: 137, signal: 'SIGKILL' });
    expect(await recorder.next(spec.instanceId, 'crashed')).toMatchObject({
      exit_code: 137,
      restart_in_ms: 0,
    });
    await recorder.next(spec.instanceId, 'running', { from: 2 });
    const after = (await runtime.inspect(spec.instanceId))!;
    expect(after).toMatchObject({ status: 'running', restarts: 1 });
    expect(after.pid).not.toBe(state.pid);
    // Same host port after the restart.
    expect(after.ports).toEqual(state.ports);
    expect((await get(after.ports[0].host_port, '/')).status).toBe(200);
  });

  it('restarts an instance whose HTTP health check fails past the threshold', async () => {
    const spec = serviceSpec({
      health_check: {
        protocol: 'http',
        port: 8080,
        uri: '/health',
        interval: 0.1,
        timeout: 1,
        initial_delay: 0,
      },
    });
    const state = await started(spec);
    expect(await recorder.next(spec.instanceId, 'health')).toMatchObject({
      status: 'healthy',
      detail: 'HTTP 200',
    });
    const mark = recorder.count;
    await get(state.ports[0].host_port, '/sicken');
    expect(await recorder.next(spec.instanceId, 'health', { from: mark })).toMatchObject({
      status: 'unhealthy',
      detail: 'HTTP 503',
      failures: 2,
    });
    expect(await recorder.next(spec.instanceId, 'restarting', { from: mark })).toMatchObject({
      reason: 'unhealthy',
    });
    await recorder.next(spec.instanceId, 'running', { from: mark });
    expect(await recorder.next(spec.instanceId, 'health', { from: recorder.count - 1 })).toMatchObject({
      status: 'healthy',
    });
    const after = (await runtime.inspect(spec.instanceId))!;
    expect(after.pid).not.toBe(state.pid);
    expect(await alive(state.pid!)).toBe(false);
  });

  it('restarts an instance whose TCP health check fails', async () => {
    const spec = serviceSpec({
      health_check: { protocol: 'tcp', port: 8080, interval: 0.1, timeout: 0.5, initial_delay: 0 },
    });
    const state = await started(spec);
    expect(await recorder.next(spec.instanceId, 'health')).toMatchObject({
      status: 'healthy',
      detail: 'open',
    });
    const mark = recorder.count;
    await get(state.ports[0].host_port, '/deafen');
    expect(await recorder.next(spec.instanceId, 'health', { from: mark })).toMatchObject({
      status: 'unhealthy',
      detail: 'connection refused',
    });
    await recorder.next(spec.instanceId, 'running', { from: mark });
    expect((await runtime.inspect(spec.instanceId))!.pid).not.toBe(state.pid);
  });

  it('stops with SIGTERM when the process honours it', async () => {
    const spec = serviceSpec();
    const state = await started(spec);
    const outcome = await runtime.stop(spec.instanceId);
    expect(outcome).toMatchObject({ ok: true, killed: false, exit_code: 0, state: { status: 'stopped' } });
    expect(recorder.logText(spec.instanceId, 'stdout')).toContain('got SIGTERM, shutting down');
    expect(await alive(state.pid!)).toBe(false);
  });

  it('kills a process that ignores SIGTERM once the grace period is over', async () => {
    const spec = serviceSpec({ env: { IGNORE_SIGTERM: '1' }, stop_grace_period: 1 });
    const state = await started(spec);
    const t0 = Date.now();
    const outcome = await runtime.stop(spec.instanceId);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_000);
    expect(outcome).toMatchObject({ ok: true, killed: true, exit_code: 137 });
    expect(recorder.logText(spec.instanceId, 'stdout')).toContain('ignoring SIGTERM');
    expect(await alive(state.pid!)).toBe(false);
  });

  it('leaves no orphan processes after a stop, even a child that made a session of its own', async () => {
    const spec = serviceSpec({ env: { SPAWN_CHILDREN: '1', IGNORE_SIGTERM: '1' }, stop_grace_period: 0.5 });
    const state = await started(spec);
    const pids = JSON.parse((await get(state.ports[0].host_port, '/pids')).text) as {
      pid: number;
      children: number[];
    };
    expect(pids.children).toHaveLength(2);
    for (const pid of [pids.pid, ...pids.children]) expect(await alive(pid)).toBe(true);
    expect((await runtime.stats(spec.instanceId))[0].processes).toBe(3);
    await runtime.stop(spec.instanceId);
    for (const pid of [pids.pid, ...pids.children])
      await eventually(async () => !(await alive(pid)), `pid ${pid} to be gone`, 2_000);
  });

  it('replaces the process for a new deploy, keeping its host port', async () => {
    const spec = serviceSpec();
    const first = await started(spec);
    const outcome = await runtime.start({ ...spec, deploy_rev: 'rev-2' });
    expect(outcome).toMatchObject({
      ok: true,
      action: 'replaced',
      state: { deploy_rev: 'rev-2', ports: first.ports },
    });
    expect(await alive(first.pid!)).toBe(false);
    expect(outcome.ok && outcome.state.pid).not.toBe(first.pid);
  });

  it('runs as the requested user when the agent may switch users, and says why not otherwise', async () => {
    const spec = serviceSpec({ user: 'nobody' });
    if (process.getuid?.() === 0) {
      const state = await started(spec);
      const status = (await import('node:fs')).readFileSync(`/proc/${state.pid}/status`, 'utf8');
      expect(status).toMatch(/^Uid:\s+65534\s/m);
      expect(await get(state.ports[0].host_port, '/env?name=HOME')).toMatchObject({
        text: expect.stringMatching(/\/work$/),
      });
    } else {
      expect(await runtime.start(spec)).toMatchObject({
        ok: false,
        reason: expect.stringContaining('may not switch users'),
      });
    }
  });

  it('removes the instance with its directory', async () => {
    const spec = serviceSpec();
    const state = await started(spec);
    expect(await runtime.remove(spec.instanceId)).toEqual({ ok: true, existed: true });
    expect(await alive(state.pid!)).toBe(false);
    expect(await runtime.list()).toEqual([]);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(stateDir)).toEqual([]);
  });
});
