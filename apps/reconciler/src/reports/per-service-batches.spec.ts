import { PerServiceBatches } from './per-service-batches';

describe('per-service batches', () => {
  it('hands what arrives together over as one batch per service, and what comes later as the next', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batches = new PerServiceBatches<number>(async (service, items) => {
      seen.push(`${service}:${items.join(',')}`);
      if (seen.length === 1) await gate;
      return items.map(() => null);
    });
    const first = [1, 2, 3].map((n) => batches.add('a', n));
    const other = batches.add('b', 9);
    await new Promise((resolve) => setImmediate(resolve));
    // While a's first batch is being recorded, more arrives for it: that waits for the next batch.
    const later = [4, 5].map((n) => batches.add('a', n));
    release();
    await Promise.all([...first, other, ...later]);
    expect(seen).toEqual(['a:1,2,3', 'b:9', 'a:4,5']);
  });

  it('fails only the items the recorder says failed, and every item when it throws', async () => {
    const batches = new PerServiceBatches<number>(async (_service, items) => {
      if (items.includes(0)) throw new Error('store down');
      return items.map((n) => (n % 2 ? new Error(`odd ${n}`) : null));
    });
    const results = await Promise.allSettled([1, 2].map((n) => batches.add('a', n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    const down = await Promise.allSettled([0, 2].map((n) => batches.add('a', n)));
    expect(down.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
