// Simulated instances: latency and failures drawn from a seed, cheap enough for thousands per process.
import type { InstanceSpec } from '../runtime';
import { Recorder } from '../testing/event-recorder';
import { hollowDraw } from './hollow-driver';
import { HollowRuntime } from './hollow-runtime';

const spec = (n: number, overrides: Partial<InstanceSpec> = {}): InstanceSpec => ({
  instanceId: `scale-grid/load/web/${n}`,
  name: `load.web-${n}`,
  service_revision: 1,
  deploy_rev: 'rev-1',
  image: 'hollow/web:1',
  cmd: null,
  env: { INSTANCE: String(n) },
  ports: [{ container_port: 8080, node_port: null, protocol: 'tcp' }],
  labels: {},
  ...overrides,
});

function correlation(xs: number[], ys: number[]): number {
  const mean = (vs: number[]) => vs.reduce((a, b) => a + b, 0) / vs.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const cov = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0);
  const sx = Math.sqrt(xs.reduce((sum, x) => sum + (x - mx) ** 2, 0));
  const sy = Math.sqrt(ys.reduce((sum, y) => sum + (y - my) ** 2, 0));
  return cov / (sx * sy);
}

const runtimes: HollowRuntime[] = [];
const hollow = (options: ConstructorParameters<typeof HollowRuntime>[0]) => {
  const runtime = new HollowRuntime({ logIntervalMs: 0, ...options });
  runtimes.push(runtime);
  return runtime;
};
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

describe('hollow draws', () => {
  it('are uniform enough: ten equal buckets each get about a tenth', () => {
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 20_000; i++) buckets[Math.floor(hollowDraw(7, `i${i}`) * 10)]++;
    for (const count of buckets) expect(Math.abs(count - 2_000)).toBeLessThan(200);
  });

  it('depend on the seed and the key only', () => {
    expect(hollowDraw(1, 'a')).toBe(hollowDraw(1, 'a'));
    expect(hollowDraw(1, 'a')).not.toBe(hollowDraw(2, 'a'));
    expect(hollowDraw(1, 'a')).not.toBe(hollowDraw(1, 'b'));
  });
});

describe('hollow runtime', () => {
  it('takes the configured start latency, drawn per instance across its range', async () => {
    const runtime = hollow({ seed: 42, startLatencyMs: { min: 50, max: 250 } });
    const expected = (n: number) => 50 + 200 * hollowDraw(42, `${spec(n).instanceId}#1#latency`);
    const t0 = performance.now();
    const done = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        expect((await runtime.start(spec(i + 1))).ok).toBe(true);
        return { n: i + 1, at: performance.now() - t0 };
      }),
    );
    const lateness = done.map(({ n, at }) => at - expected(n));
    // Never early (timers round by up to a millisecond). How late depends on the machine's load, which a
    // test must not assert on.
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(-1);
    // The draws cover the range evenly: their mean is near its middle, and finishing order follows them.
    const mean = done.reduce((sum, { n }) => sum + expected(n), 0) / done.length;
    expect(mean).toBeGreaterThan(130);
    expect(mean).toBeLessThan(170);
    expect(
      correlation(
        done.map(({ n }) => expected(n)),
        done.map(({ at }) => at),
      ),
    ).toBeGreaterThan(0.9);
  });

  it('fails the configured share of starts, with the reason a real failure would give', async () => {
    const runtime = hollow({
      seed: 7,
      startLatencyMs: { min: 0, max: 1 },
      failureRate: 0.2,
      backoff: { unitMs: 1_000, maxMs: 30_000, resetAfterMs: 10_000 },
    });
    const outcomes = await Promise.all(Array.from({ length: 2_000 }, (_, i) => runtime.start(spec(i + 1))));
    const failed = outcomes.filter((o) => !o.ok);
    // 2,000 draws at p = 0.2: mean 400, σ ≈ 17.9; ±4σ.
    expect(failed.length).toBeGreaterThan(328);
    expect(failed.length).toBeLessThan(472);
    expect(failed[0]).toMatchObject({
      ok: false,
      exit_code: 1,
      reason: expect.stringMatching(/exited at once with code 1; stderr: hollow: simulated start failure/),
    });
    await Promise.all(outcomes.map((o) => (o.ok ? null : runtime.stop(o.state!.instanceId))));
  });

  it('tells the same story for the same seed, whatever the order of starts, and another for another seed', async () => {
    const failing = async (seed: number, order: number[]) => {
      const runtime = hollow({ seed, startLatencyMs: { min: 0, max: 1 }, failureRate: 0.3 });
      const outcomes = await Promise.all(order.map((n) => runtime.start(spec(n))));
      const ids = outcomes.filter((o) => !o.ok).map((o) => (o.ok ? '' : o.state!.instanceId));
      await runtime.close();
      return ids.sort();
    };
    const numbers = Array.from({ length: 100 }, (_, i) => i + 1);
    const once = await failing(3, numbers);
    expect(await failing(3, [...numbers].reverse())).toEqual(once);
    expect(await failing(4, numbers)).not.toEqual(once);
  });

  it('retries a failed start with back-off, as the real runtimes do', async () => {
    const runtime = hollow({
      seed: 1,
      startLatencyMs: { min: 0, max: 1 },
      failureRate: 0.5,
      backoff: { unitMs: 5, maxMs: 20, resetAfterMs: 1_000 },
    });
    const recorder = new Recorder(runtime);
    // An instance whose first two attempts fail under this seed, and the attempt that first succeeds.
    const fails = (n: number, attempt: number) =>
      hollowDraw(1, `${spec(n).instanceId}#${attempt}#failure`) < 0.5;
    const n = Array.from({ length: 100 }, (_, i) => i + 1).find((k) => fails(k, 1) && fails(k, 2))!;
    const first = [3, 4, 5, 6, 7, 8].find((attempt) => !fails(n, attempt))!;
    const id = spec(n).instanceId;
    expect(await runtime.start(spec(n))).toMatchObject({ ok: false });
    await recorder.next(id, 'running', { timeoutMs: 2_000 });
    expect(recorder.types(id).filter((t) => t === 'starting')).toHaveLength(first);
    // Kontena's schedule in the test's unit: at once, then 5 ms, then 20 ms (capped)...
    expect(
      recorder
        .of(id)
        .filter((e) => e.type === 'error')
        .map((e) => (e as { restart_in_ms: number }).restart_in_ms),
    ).toEqual([0, 5, 20, 20, 20, 20].slice(0, first - 1));
    recorder.stop();
  });

  it('crashes on demand and restarts like a real instance', async () => {
    const runtime = hollow({ seed: 1, startLatencyMs: { min: 1, max: 2 } });
    const recorder = new Recorder(runtime);
    await runtime.start(spec(1));
    expect(runtime.crash(spec(1).instanceId, 139)).toBe(true);
    expect(await recorder.next(spec(1).instanceId, 'crashed')).toMatchObject({ exit_code: 139 });
    await recorder.next(spec(1).instanceId, 'running', { from: 2 });
    expect(await runtime.inspect(spec(1).instanceId)).toMatchObject({ status: 'running', restarts: 1 });
    recorder.stop();
  });

  it('answers health checks and wait_for_port from the simulation, and restarts a sickened instance', async () => {
    const runtime = hollow({ seed: 1, startLatencyMs: { min: 1, max: 2 }, unhealthyThreshold: 2 });
    const recorder = new Recorder(runtime);
    const s = spec(1, {
      wait_for_port: 8080,
      health_check: { protocol: 'http', port: 8080, uri: '/', interval: 0.01, timeout: 1, initial_delay: 0 },
    });
    expect(await runtime.start(s)).toMatchObject({ ok: true });
    expect(await recorder.next(s.instanceId, 'health')).toMatchObject({ status: 'healthy' });
    runtime.sicken(s.instanceId);
    expect(await recorder.next(s.instanceId, 'health', { from: 3 })).toMatchObject({
      status: 'unhealthy',
      detail: 'HTTP 503',
    });
    expect(await recorder.next(s.instanceId, 'restarting')).toMatchObject({ reason: 'unhealthy' });
    await recorder.next(s.instanceId, 'running', { from: 3 });
    recorder.stop();
  });

  it('writes fake logs and fake stats', async () => {
    const runtime = hollow({ seed: 1, startLatencyMs: { min: 1, max: 2 }, logIntervalMs: 20 });
    const recorder = new Recorder(runtime);
    await runtime.start(spec(1));
    await recorder.waitFor(
      () => recorder.logText(spec(1).instanceId).length >= 3,
      2_000,
      () => 'three lines',
    );
    expect(recorder.logText(spec(1).instanceId)[0]).toBe('hollow: load.web-1 started (attempt 1)');
    expect(recorder.logText(spec(1).instanceId)[1]).toMatch(/^hollow: load\.web-1 tick \d+$/);
    const [a] = await runtime.stats();
    const [b] = await runtime.stats();
    expect(a.memory_bytes).toBe(b.memory_bytes);
    expect(a.memory_bytes).toBeGreaterThan(16 * 1024 * 1024);
    expect(a.cpu_pct).toBeGreaterThanOrEqual(0);
    expect(a.cpu_pct).toBeLessThan(40);
    recorder.stop();
  });

  it('stops and removes', async () => {
    const runtime = hollow({ seed: 1, startLatencyMs: { min: 1, max: 2 } });
    await runtime.start(spec(1));
    expect(await runtime.stop(spec(1).instanceId)).toMatchObject({ ok: true, killed: false, exit_code: 0 });
    expect(await runtime.remove(spec(1).instanceId)).toEqual({ ok: true, existed: true });
    expect(await runtime.list()).toEqual([]);
  });

  // Memory per instance and start throughput are performance figures: bench:scale measures them (heap deltas
  // inside a test worker depend on when the collector runs, and tests assert behaviour, not timings).
  it('runs 5,000 instances in one process', async () => {
    const runtime = hollow({ seed: 9, startLatencyMs: { min: 0, max: 5 } });
    const specs = Array.from({ length: 5_000 }, (_, i) => spec(i + 1));
    const outcomes = await Promise.all(specs.map((s) => runtime.start(s)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect((await runtime.list()).filter((s) => s.status === 'running')).toHaveLength(5_000);
    expect(await runtime.stats()).toHaveLength(5_000);
  });
});
