import { KeyedMutex } from './keyed-mutex';

describe('keyed mutex', () => {
  it('runs work on one key strictly one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string, ms: number) =>
      mutex.run('k', async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        return name;
      });
    expect(await Promise.all([task('a', 20), task('b', 1), task('c', 5)])).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(mutex.size).toBe(0);
  });

  it('lets different keys run concurrently', async () => {
    const mutex = new KeyedMutex();
    let concurrent = 0;
    let peak = 0;
    await Promise.all(
      ['a', 'b', 'c'].map((key) =>
        mutex.run(key, async () => {
          peak = Math.max(peak, ++concurrent);
          await new Promise((r) => setTimeout(r, 10));
          concurrent--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it('releases the key when the work throws', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await mutex.run('k', async () => 'next')).toBe('next');
    expect(mutex.size).toBe(0);
  });
});
