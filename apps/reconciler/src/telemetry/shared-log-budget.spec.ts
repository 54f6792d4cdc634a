import { SharedLogBudget } from './shared-log-budget';

const taken = (budget: SharedLogBudget, id: string, lines: number, at: number) =>
  Array.from({ length: lines }, () => budget.take(id, at)).filter(Boolean).length;

describe('the shared log budget', () => {
  it('lets a burst through, then the sustained rate', () => {
    const budget = new SharedLogBudget({ perSecond: 10, burst: 50 });
    expect(taken(budget, 'g/s/chatty/1', 80, 0)).toBe(50);
    expect(taken(budget, 'g/s/chatty/1', 80, 1_000)).toBe(10);
    expect(taken(budget, 'g/s/chatty/1', 80, 3_500)).toBe(25);
  });

  it('keeps one chatty instance from using up the others', () => {
    const budget = new SharedLogBudget({ perSecond: 10, burst: 50 });
    taken(budget, 'g/s/chatty/1', 1_000, 0);
    expect(taken(budget, 'g/s/quiet/1', 5, 0)).toBe(5);
  });

  it('refills up to the burst only', () => {
    const budget = new SharedLogBudget({ perSecond: 10, burst: 50 });
    taken(budget, 'g/s/a/1', 50, 0);
    expect(taken(budget, 'g/s/a/1', 200, 3_600_000)).toBe(50);
  });

  it('tracks a bounded number of instances, forgetting the ones with a full budget first', () => {
    const budget = new SharedLogBudget({ perSecond: 1, burst: 5, maxTracked: 100 });
    for (let i = 0; i < 100; i++) budget.take(`g/s/x/${i}`, 0);
    taken(budget, 'g/s/x/0', 10, 0);
    budget.take('g/s/new/1', 60_000);
    expect(budget.tracked).toBeLessThanOrEqual(100);
    // Forgotten once refilled: it gets its burst, exactly what it would have had.
    expect(taken(budget, 'g/s/x/0', 10, 60_000)).toBe(5);
    for (let i = 0; i < 1_000; i++) budget.take(`g/s/busy/${i}`, 60_000);
    expect(budget.tracked).toBeLessThanOrEqual(100);
  });
});
