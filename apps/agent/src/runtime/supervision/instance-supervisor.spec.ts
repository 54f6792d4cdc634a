// The lifecycle every runtime shares, over a driver the test controls: no processes, milliseconds.
import { specFingerprint } from '../instance-spec';
import { Recorder } from '../testing/event-recorder';
import { FakeDriver, FakeProbes } from '../testing/fake-driver';
import { aSpec } from '../testing/specs';
import { SupervisedRuntime } from './supervised-runtime';

const ID = 'my-grid/web/api/1';

function setup(overrides: { threshold?: number } = {}) {
  const driver = new FakeDriver();
  const probes = new FakeProbes();
  const runtime = new SupervisedRuntime(driver, {
    backoff: { unitMs: 20, maxMs: 100, resetAfterMs: 300 },
    settleMs: 30,
    waitForPortIntervalMs: 10,
    waitForPortTimeoutMs: 200,
    unhealthyThreshold: overrides.threshold ?? 2,
    killWaitMs: 500,
    probes,
  });
  const recorder = new Recorder(runtime);
  return { driver, probes, runtime, recorder };
}

let current: ReturnType<typeof setup> | null = null;
afterEach(async () => {
  current?.recorder.stop();
  await current?.runtime.close();
  current = null;
});
const given = (overrides?: { threshold?: number }) => (current = setup(overrides));

describe('starting', () => {
  it('creates and runs a new instance, reporting starting then running with its ports', async () => {
    const { runtime, recorder, driver } = given();
    const outcome = await runtime.start(aSpec());
    expect(outcome).toMatchObject({
      ok: true,
      action: 'created',
      state: { status: 'running', supervised: true, pid: 1000 },
    });
    await recorder.next(ID, 'running');
    expect(recorder.types(ID)).toEqual(['starting', 'running']);
    expect(recorder.of(ID)[1]).toMatchObject({
      ports: [{ container_port: 8080, host_port: 40000, protocol: 'tcp' }],
    });
    expect(driver.created).toEqual(['web.api-1']);
  });

  it('is idempotent: the same spec again changes nothing and starts no second run', async () => {
    const { runtime, driver } = given();
    await runtime.start(aSpec());
    const again = await runtime.start(aSpec());
    expect(again).toMatchObject({ ok: true, action: 'unchanged', state: { status: 'running' } });
    expect(driver.runs).toHaveLength(1);
  });

  it('answers concurrent starts of one spec with one run', async () => {
    const { runtime, driver } = given();
    const outcomes = await Promise.all([
      runtime.start(aSpec()),
      runtime.start(aSpec()),
      runtime.start(aSpec()),
    ]);
    expect(outcomes.map((o) => o.ok && o.action)).toEqual(['created', 'unchanged', 'unchanged']);
    expect(driver.runs).toHaveLength(1);
  });

  it('replaces an instance whose spec changed: old one stopped gracefully and removed, ports kept', async () => {
    const { runtime, driver, recorder } = given();
    await runtime.start(aSpec());
    const first = driver.lastRun;
    const outcome = await runtime.start(aSpec({ deploy_rev: 'next' }));
    expect(outcome).toMatchObject({
      ok: true,
      action: 'replaced',
      state: { deploy_rev: 'next', status: 'running' },
    });
    expect(first.signals).toEqual(['SIGTERM']);
    expect(driver.removed).toEqual(['web.api-1']);
    expect(driver.lastRun).not.toBe(first);
    expect(driver.lastRun.ports).toEqual(first.ports);
    expect(recorder.types(ID)).toEqual(['starting', 'running', 'exited', 'starting', 'running']);
  });

  it('refuses an invalid spec without creating anything', async () => {
    const { runtime, driver } = given();
    const outcome = await runtime.start(aSpec({ name: 'no spaces please' }));
    expect(outcome).toMatchObject({ ok: false, state: null });
    expect(!outcome.ok && outcome.reason).toMatch(/^invalid spec: name must be a container name/);
    expect(driver.created).toEqual([]);
  });

  it('refuses a name another instance uses', async () => {
    const { runtime } = given();
    await runtime.start(aSpec());
    const outcome = await runtime.start(aSpec({ instanceId: 'my-grid/web/other/1' }));
    expect(outcome).toEqual({
      ok: false,
      reason: 'name web.api-1 is already used by instance my-grid/web/api/1 on this node',
      state: null,
    });
  });

  it('fails a command that exits at once with its exit code and stderr tail, then retries with back-off', async () => {
    const { runtime, driver, recorder } = given();
    driver.onLaunch = (run) => {
      run.write('stderr', 'Error: Cannot find module /app/server.js');
      setTimeout(() => run.exit(1), 5);
    };
    const outcome = await runtime.start(aSpec());
    expect(outcome).toMatchObject({
      ok: false,
      exit_code: 1,
      stderr_tail: ['Error: Cannot find module /app/server.js'],
      reason: 'web.api-1 exited at once with code 1; stderr: Error: Cannot find module /app/server.js',
      state: { status: 'error' },
    });
    const error = await recorder.next(ID, 'error');
    expect(error).toMatchObject({ exit_code: 1, restart_in_ms: 0 });
    await recorder.next(ID, 'restarting');
    expect(recorder.types(ID).slice(0, 5)).toEqual(['starting', 'exited', 'error', 'restarting', 'starting']);
    await runtime.stop(ID);
  });

  it('reports a launch failure with the driver reason', async () => {
    const { runtime, driver } = given();
    driver.launchFailure = 'command not found: "nodez"';
    const outcome = await runtime.start(aSpec());
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'cannot start web.api-1: command not found: "nodez"',
      state: { status: 'error' },
    });
    await runtime.stop(ID);
  });
});

describe('wait_for_port', () => {
  it('reports running only once the port answers', async () => {
    const { runtime, probes, recorder } = given();
    setTimeout(() => probes.answer(40000, true), 60);
    const started = Date.now();
    const outcome = await runtime.start(aSpec({ wait_for_port: 8080 }));
    expect(outcome).toMatchObject({ ok: true, state: { status: 'running' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(probes.calls.length).toBeGreaterThan(1);
    expect(probes.calls.every((port) => port === 40000)).toBe(true);
    expect(recorder.types(ID)).toEqual(['starting', 'running']);
  });

  it('fails the start when the port never answers, stops the run, and says where it looked', async () => {
    const { runtime, driver, recorder } = given();
    const outcome = await runtime.start(aSpec({ wait_for_port: 8080 }));
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'port 8080 of web.api-1 (127.0.0.1:40000) did not answer within 0.2 s (wait_for_port)',
    });
    expect(driver.runs[0].signals).toEqual(['SIGTERM']);
    await recorder.next(ID, 'error');
    expect(recorder.types(ID).slice(0, 3)).toEqual(['starting', 'exited', 'error']);
    await runtime.stop(ID);
  });

  it('fails the start when the instance exits while waiting', async () => {
    const { runtime, driver } = given();
    driver.onLaunch = (run) => setTimeout(() => run.exit(2), 20);
    const outcome = await runtime.start(aSpec({ wait_for_port: 8080 }));
    expect(outcome).toMatchObject({
      ok: false,
      exit_code: 2,
      reason: 'web.api-1 exited while waiting for port 8080 with code 2',
    });
    await runtime.stop(ID);
  });

  it('gives way to a stop, which interrupts the wait', async () => {
    const { runtime, driver } = given();
    const starting = runtime.start(aSpec({ wait_for_port: 8080 }));
    await new Promise((r) => setTimeout(r, 30));
    const stopped = await runtime.stop(ID);
    const outcome = await starting;
    expect(outcome).toMatchObject({
      ok: false,
      reason: 'start of web.api-1 interrupted: the instance is being stopped or removed',
    });
    expect(stopped).toMatchObject({ ok: true, killed: false, state: { status: 'stopped' } });
    expect(driver.runs[0].running).toBe(false);
  });
});

describe('crashes', () => {
  it('restarts a crashed instance at once, then with a growing back-off (Kontena: restarts²)', async () => {
    const { runtime, driver, recorder } = given();
    await runtime.start(aSpec());
    driver.lastRun.write('stderr', 'segfault');
    driver.lastRun.exit(139, null);
    const first = await recorder.next(ID, 'crashed');
    expect(first).toMatchObject({ exit_code: 139, restart_in_ms: 0, restarts: 1 });
    await recorder.next(ID, 'running', { from: recorder.count });
    const mark = recorder.count;
    driver.lastRun.exit(1);
    const second = await recorder.next(ID, 'crashed', { from: mark });
    expect(second).toMatchObject({ restart_in_ms: 20, restarts: 2 });
    await recorder.waitFor(
      () => driver.runs.length === 3 && recorder.types(ID, mark).includes('running'),
      2_000,
      () => 'third run',
    );
    expect(recorder.types(ID, mark)).toEqual(['exited', 'crashed', 'restarting', 'starting', 'running']);
    const state = await runtime.inspect(ID);
    expect(state).toMatchObject({ status: 'running', restarts: 2 });
  });

  it('reports the crash with the exit code and stderr tail in its error', async () => {
    const { runtime, driver, recorder } = given();
    await runtime.start(aSpec());
    driver.lastRun.write('stderr', 'out of cheese');
    driver.lastRun.exit(3);
    const exited = await recorder.next(ID, 'exited');
    expect(exited).toMatchObject({ exit_code: 3, stderr_tail: ['out of cheese'] });
  });

  it('forgets the back-off once the instance stayed up long enough', async () => {
    const { runtime, driver, recorder } = given();
    await runtime.start(aSpec());
    driver.lastRun.exit(1);
    await recorder.next(ID, 'running', { from: 2 });
    await new Promise((r) => setTimeout(r, 350));
    const mark = recorder.count;
    driver.lastRun.exit(1);
    expect(await recorder.next(ID, 'crashed', { from: mark })).toMatchObject({
      restart_in_ms: 0,
      restarts: 1,
    });
  });
});

describe('health checks', () => {
  it('reports healthy, then restarts the instance after the threshold of failed probes', async () => {
    const { runtime, driver, probes, recorder } = given({ threshold: 2 });
    probes.answer(40000, true);
    const health_check = {
      protocol: 'http' as const,
      port: 8080,
      uri: '/health',
      interval: 0.02,
      timeout: 0.05,
      initial_delay: 0,
    };
    await runtime.start(aSpec({ health_check }));
    expect(await recorder.next(ID, 'health')).toMatchObject({ status: 'healthy', detail: 'HTTP 200' });
    const first = driver.lastRun;
    const mark = recorder.count;
    probes.answer(40000, false);
    expect(await recorder.next(ID, 'health', { from: mark })).toMatchObject({
      status: 'unhealthy',
      detail: 'HTTP 503',
      failures: 2,
    });
    expect(await recorder.next(ID, 'restarting', { from: mark })).toMatchObject({ reason: 'unhealthy' });
    probes.answer(40000, true);
    await recorder.next(ID, 'running', { from: mark });
    expect(first.signals).toEqual(['SIGTERM']);
    expect(driver.runs).toHaveLength(2);
    expect(recorder.types(ID, mark).slice(0, 5)).toEqual([
      'health',
      'restarting',
      'exited',
      'starting',
      'running',
    ]);
    await recorder.next(ID, 'health', { from: recorder.count - 1 });
  });
});

describe('stopping', () => {
  it('stops with the stop signal when the instance honours it', async () => {
    const { runtime, driver, recorder } = given();
    await runtime.start(aSpec({ stop_signal: 'SIGINT' }));
    const outcome = await runtime.stop(ID);
    expect(outcome).toMatchObject({ ok: true, killed: false, exit_code: 143, state: { status: 'stopped' } });
    expect(driver.lastRun.signals).toEqual(['SIGINT']);
    expect(recorder.types(ID)).toEqual(['starting', 'running', 'exited', 'stopped']);
  });

  it('kills an instance that ignores the stop signal once the grace period is over', async () => {
    const { runtime, driver } = given();
    driver.onLaunch = (run) => run.ignored.add('SIGTERM');
    await runtime.start(aSpec({ stop_grace_period: 0.1 }));
    const started = Date.now();
    const outcome = await runtime.stop(ID);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(outcome).toMatchObject({ ok: true, killed: true, exit_code: 137 });
    expect(driver.lastRun.signals).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('does not restart a stopped instance, and starts it again on request', async () => {
    const { runtime, driver } = given();
    await runtime.start(aSpec());
    await runtime.stop(ID);
    await new Promise((r) => setTimeout(r, 60));
    expect(driver.runs).toHaveLength(1);
    expect(await runtime.start(aSpec())).toMatchObject({ ok: true, action: 'started' });
    expect(driver.runs).toHaveLength(2);
  });

  it('stops an instance waiting out its back-off', async () => {
    const { runtime, driver, recorder } = given();
    driver.onLaunch = (run) => setTimeout(() => run.exit(1), 1);
    await runtime.start(aSpec());
    await recorder.next(ID, 'error');
    driver.onLaunch = () => undefined;
    expect(await runtime.stop(ID)).toMatchObject({ ok: true, state: { status: 'stopped' } });
    const runs = driver.runs.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(driver.runs.length).toBe(runs);
  });

  it('answers a stop of an unknown instance with a reason', async () => {
    const { runtime } = given();
    expect(await runtime.stop('g/s/nope/1')).toEqual({
      ok: false,
      reason: 'no instance g/s/nope/1 on this node',
      state: null,
    });
  });
});

describe('restarting and removing', () => {
  it('restarts on request: stop, then start', async () => {
    const { runtime, driver, recorder } = given();
    await runtime.start(aSpec());
    const outcome = await runtime.restart(ID);
    expect(outcome).toMatchObject({ ok: true, action: 'started', state: { status: 'running', restarts: 1 } });
    expect(recorder.types(ID)).toEqual([
      'starting',
      'running',
      'restarting',
      'exited',
      'starting',
      'running',
    ]);
    expect(driver.runs[0].running).toBe(false);
  });

  it('removes: stops, deletes, reports removed; removing again is a no-op', async () => {
    const { runtime, driver, recorder } = given();
    await runtime.start(aSpec());
    expect(await runtime.remove(ID)).toEqual({ ok: true, existed: true });
    expect(driver.removed).toEqual(['web.api-1']);
    expect(recorder.types(ID)).toEqual(['starting', 'running', 'exited', 'removed']);
    expect(await runtime.list()).toEqual([]);
    expect(await runtime.remove(ID)).toEqual({ ok: true, existed: false });
  });
});

describe('after an agent restart', () => {
  it('adopts what a previous agent left, without its spec, and never starts a duplicate', async () => {
    const { runtime, driver, recorder } = given();
    driver.leaveBehind(aSpec(), true);
    driver.leaveBehind(aSpec({ instanceId: 'my-grid/web/api/2', name: 'web.api-2' }), false);
    const list = await runtime.list();
    expect(list.map((s) => [s.instanceId, s.status, s.supervised])).toEqual([
      [ID, 'running', false],
      ['my-grid/web/api/2', 'exited', false],
    ]);
    await recorder.next(ID, 'adopted');
    const outcome = await runtime.start(aSpec());
    expect(outcome).toMatchObject({
      ok: true,
      action: 'unchanged',
      state: { supervised: true, status: 'running' },
    });
    expect(driver.created).toEqual([]);
    expect(driver.runs).toHaveLength(1);
  });

  it('adopts before any operation, so a start right after a restart never duplicates', async () => {
    const { runtime, driver } = given();
    driver.leaveBehind(aSpec(), true);
    expect(await runtime.start(aSpec())).toMatchObject({ ok: true, action: 'unchanged' });
    expect(driver.created).toEqual([]);
  });

  it('replaces an adopted instance whose spec hash differs', async () => {
    const { runtime, driver } = given();
    const old = driver.leaveBehind(aSpec({ deploy_rev: 'old' }), true)!;
    const outcome = await runtime.start(aSpec());
    expect(outcome).toMatchObject({
      ok: true,
      action: 'replaced',
      state: { spec_hash: specFingerprint(aSpec()) },
    });
    expect(old.signals).toEqual(['SIGTERM']);
  });

  it('watches an adopted instance without its spec but does not restart it when it exits', async () => {
    const { runtime, driver, recorder } = given();
    const old = driver.leaveBehind(aSpec(), true)!;
    await runtime.list();
    old.exit(null);
    await recorder.next(ID, 'exited');
    await new Promise((r) => setTimeout(r, 50));
    expect(await runtime.inspect(ID)).toMatchObject({ status: 'exited', supervised: false });
    expect(driver.runs).toHaveLength(1);
    expect(await runtime.restart(ID)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('has no spec yet'),
    });
  });

  it('supervises an adopted instance once it has its spec: a crash is then restarted', async () => {
    const { runtime, driver, recorder } = given();
    const old = driver.leaveBehind(aSpec(), true)!;
    await runtime.start(aSpec());
    old.exit(1);
    await recorder.next(ID, 'crashed');
    await recorder.next(ID, 'running');
    expect(driver.runs).toHaveLength(2);
  });

  it('leaves instances running on close', async () => {
    const { runtime, driver } = given();
    await runtime.start(aSpec());
    await runtime.close();
    expect(driver.lastRun.running).toBe(true);
    expect(driver.lastRun.detachedFlag).toBe(true);
    expect(await runtime.start(aSpec())).toMatchObject({ ok: false, reason: 'the runtime is closed' });
  });
});

describe('when existing instances cannot be looked up', () => {
  it('refuses operations with the reason instead of risking a duplicate, and list rejects', async () => {
    const { runtime, driver } = given();
    driver.discover = async () => {
      throw new Error('no container engine answers on /run/engine.sock (ENOENT)');
    };
    const reason =
      'cannot look up the instances on this node: no container engine answers on /run/engine.sock (ENOENT)';
    expect(await runtime.start(aSpec())).toEqual({ ok: false, reason, state: null });
    expect(await runtime.stop(ID)).toEqual({ ok: false, reason, state: null });
    expect(await runtime.remove(ID)).toEqual({ ok: false, reason });
    await expect(runtime.list()).rejects.toThrow('no container engine answers');
    expect(driver.created).toEqual([]);
  });
});

describe('stats and logs', () => {
  it('samples running instances only', async () => {
    const { runtime } = given();
    await runtime.start(aSpec());
    await runtime.start(aSpec({ instanceId: 'my-grid/web/api/2', name: 'web.api-2' }));
    await runtime.stop('my-grid/web/api/2');
    const stats = await runtime.stats();
    expect(stats).toEqual([expect.objectContaining({ instanceId: ID, cpu_pct: 1.5, memory_bytes: 1024 })]);
  });

  it('passes log lines through in order', async () => {
    const { runtime, driver, recorder } = given();
    await runtime.start(aSpec());
    for (let i = 0; i < 50; i++) driver.lastRun.write(i % 2 ? 'stderr' : 'stdout', `line ${i}`);
    await recorder.waitFor(
      () => recorder.logText(ID).length === 50,
      2_000,
      () => '50 lines',
    );
    expect(recorder.logText(ID)).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i}`));
  });
});
