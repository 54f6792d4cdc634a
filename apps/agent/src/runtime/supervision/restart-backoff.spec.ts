import fc from 'fast-check';
import { KONTENA_RESTART_BACKOFF, restartDelay } from './restart-backoff';

describe('restart back-off (Kontena: restarts² seconds, capped at 30 s)', () => {
  it('restarts a first crash at once, then after 1, 4, 9, 16, 25 s, then every 30 s', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 7, 50].map((n) => restartDelay(n, KONTENA_RESTART_BACKOFF));
    expect(delays).toEqual([0, 1_000, 4_000, 9_000, 16_000, 25_000, 30_000, 30_000, 30_000]);
  });

  it('scales with the unit, so tests can run a crash loop in milliseconds', () => {
    expect([1, 2, 3].map((n) => restartDelay(n, { unitMs: 10, maxMs: 50, resetAfterMs: 100 }))).toEqual([
      10, 40, 50,
    ]);
  });

  it('never decreases as restarts accumulate and never exceeds the cap', () => {
    fc.assert(
      fc.property(
        fc.nat(1_000_000),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 600_000 }),
        (n, unitMs, maxMs) => {
          const backoff = { unitMs, maxMs, resetAfterMs: 0 };
          const here = restartDelay(n, backoff);
          expect(here).toBeGreaterThanOrEqual(0);
          expect(here).toBeLessThanOrEqual(maxMs);
          expect(restartDelay(n + 1, backoff)).toBeGreaterThanOrEqual(here);
        },
      ),
    );
  });

  it('treats a nonsense count as no restarts', () => {
    expect(restartDelay(-3, KONTENA_RESTART_BACKOFF)).toBe(0);
    expect(restartDelay(Number.NaN, KONTENA_RESTART_BACKOFF)).toBe(0);
  });
});
