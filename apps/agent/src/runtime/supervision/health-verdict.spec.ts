import fc from 'fast-check';
import { HealthVerdict, initialHealth, nextHealth, ProbeResult } from './health-verdict';

const ok: ProbeResult = { ok: true, detail: 'HTTP 200' };
const fail: ProbeResult = { ok: false, detail: 'HTTP 503' };

function run(probes: ProbeResult[], threshold: number) {
  let verdict: HealthVerdict = initialHealth;
  return probes.map((probe) => {
    const step = nextHealth(verdict, probe, threshold);
    verdict = step.verdict;
    return step;
  });
}

describe('health verdict', () => {
  it('reports healthy once, on the first passing probe', () => {
    const steps = run([ok, ok, ok], 3);
    expect(steps.map((s) => [s.verdict.status, s.changed])).toEqual([
      ['healthy', true],
      ['healthy', false],
      ['healthy', false],
    ]);
  });

  it('tolerates failures below the threshold and forgets them after a pass', () => {
    const steps = run([ok, fail, fail, ok, fail, fail], 3);
    expect(steps.every((s) => !s.restart)).toBe(true);
    expect(steps.map((s) => s.verdict)).toEqual([
      { status: 'healthy', failures: 0 },
      { status: 'healthy', failures: 1 },
      { status: 'healthy', failures: 2 },
      { status: 'healthy', failures: 0 },
      { status: 'healthy', failures: 1 },
      { status: 'healthy', failures: 2 },
    ]);
  });

  it('turns unhealthy and asks for a restart at the threshold', () => {
    const steps = run([ok, fail, fail, fail], 3);
    expect(steps[3]).toEqual({ verdict: { status: 'unhealthy', failures: 3 }, changed: true, restart: true });
  });

  it('with threshold 1 restarts on the first failure, as Kontena did', () => {
    expect(run([fail], 1)[0]).toEqual({
      verdict: { status: 'unhealthy', failures: 1 },
      changed: true,
      restart: true,
    });
  });

  it('reports an instance that never passed as unhealthy without a healthy first', () => {
    const steps = run([fail, fail], 2);
    expect(steps.map((s) => [s.verdict.status, s.changed, s.restart])).toEqual([
      [null, false, false],
      ['unhealthy', true, true],
    ]);
  });

  it('asks for a restart exactly when the last `threshold` probes failed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        (passes, threshold) => {
          const steps = run(
            passes.map((p) => (p ? ok : fail)),
            threshold,
          );
          steps.forEach((step, i) => {
            let streak = 0;
            for (let j = i; j >= 0 && !passes[j]; j--) streak++;
            expect(step.restart).toBe(streak >= threshold);
            expect(step.verdict.failures).toBe(streak);
          });
        },
      ),
    );
  });
});
