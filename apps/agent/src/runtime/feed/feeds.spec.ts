import fc from 'fast-check';
import type { LogLine } from '../runtime';
import { EventFeed } from './event-feed';
import { LineSplitter } from './line-splitter';
import { LogFeed } from './log-feed';
import { Ring } from './ring';

async function drain<T>(iterator: AsyncIterableIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  while (out.length < n) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

const line = (data: string): LogLine => ({ stream: 'stdout', data, at: '2026-11-22T12:00:00.000Z' });

describe('ring', () => {
  it('keeps the newest items in order when it overflows', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 10 }), (items, capacity) => {
        const ring = new Ring<number>(capacity);
        const dropped = items.filter((item) => ring.push(item)).length;
        expect(ring.toArray()).toEqual(items.slice(-capacity));
        expect(dropped).toBe(Math.max(0, items.length - capacity));
        expect(ring.take(2)).toEqual(items.slice(-capacity).slice(0, 2));
      }),
    );
  });
});

describe('event feed', () => {
  const at = () => new Date('2026-11-22T12:00:00Z');

  it('gives every consumer every event in order, from when it subscribed', async () => {
    const feed = new EventFeed<number>(100, at);
    feed.publish(0);
    const a = feed.subscribe();
    const b = feed.subscribe();
    [1, 2, 3].forEach((n) => feed.publish(n));
    expect(await drain(a, 3)).toEqual([1, 2, 3]);
    expect(await drain(b, 3)).toEqual([1, 2, 3]);
  });

  it('wakes a consumer that waits', async () => {
    const feed = new EventFeed<string>(10, at);
    const iterator = feed.subscribe();
    const next = iterator.next();
    feed.publish('later');
    await expect(next).resolves.toEqual({ value: 'later', done: false });
  });

  it('tells a consumer that fell behind how many it lost, where it lost them, and keeps the newest', async () => {
    const feed = new EventFeed<number>(3, at);
    const slow = feed.subscribe();
    const fast = feed.subscribe();
    for (let n = 1; n <= 7; n++) feed.publish(n);
    expect(await drain(slow, 4)).toEqual([
      { type: 'dropped', count: 4, at: '2026-11-22T12:00:00.000Z' },
      5,
      6,
      7,
    ]);
    expect(await drain(fast, 4)).toEqual([
      { type: 'dropped', count: 4, at: '2026-11-22T12:00:00.000Z' },
      5,
      6,
      7,
    ]);
  });

  it('ends iterations on close after what is buffered, and on abort', async () => {
    const feed = new EventFeed<number>(10, at);
    const controller = new AbortController();
    const aborted = feed.subscribe(controller.signal);
    const closing = feed.subscribe();
    feed.publish(1);
    controller.abort();
    expect(await aborted.next()).toEqual({ value: 1, done: false });
    expect(await aborted.next()).toEqual({ value: undefined, done: true });
    feed.close();
    expect(await drain(closing, 5)).toEqual([1]);
    expect(feed.subscriberCount).toBe(0);
  });

  it('forgets a consumer that stops iterating', async () => {
    const feed = new EventFeed<number>(10, at);
    const iterator = feed.subscribe();
    feed.publish(1);
    for await (const n of iterator) {
      expect(n).toBe(1);
      break;
    }
    expect(feed.subscriberCount).toBe(0);
  });
});

describe('log feed', () => {
  it('batches an instance lines in order, instances taking turns', async () => {
    const feed = new LogFeed({ linesPerInstance: 100, linesInTotal: 1000, batchLines: 2 });
    const logs = feed.subscribe();
    for (const n of [1, 2, 3]) feed.publish('a', line(`a${n}`));
    feed.publish('b', line('b1'));
    const batches = await drain(logs, 3);
    expect(batches.map((b) => [b.instanceId, b.lines.map((l) => l.data)])).toEqual([
      ['a', ['a1', 'a2']],
      ['b', ['b1']],
      ['a', ['a3']],
    ]);
  });

  it('delivers lines written while the consumer waits in one batch', async () => {
    const feed = new LogFeed();
    const logs = feed.subscribe();
    const next = logs.next();
    feed.publish('a', line('1'));
    feed.publish('a', line('2'));
    expect((await next).value).toEqual({ instanceId: 'a', lines: [line('1'), line('2')], dropped: 0 });
  });

  it('keeps the newest lines of a chatty instance and counts the ones it lost', async () => {
    const feed = new LogFeed({ linesPerInstance: 3, linesInTotal: 1000, batchLines: 10 });
    const logs = feed.subscribe();
    for (let n = 1; n <= 10; n++) feed.publish('a', line(String(n)));
    const [batch] = await drain(logs, 1);
    expect(batch).toEqual({ instanceId: 'a', lines: ['8', '9', '10'].map(line), dropped: 7 });
  });

  it('bounds the lines held for all instances together', async () => {
    const feed = new LogFeed({ linesPerInstance: 100, linesInTotal: 4, batchLines: 100 });
    const logs = feed.subscribe();
    for (let n = 1; n <= 4; n++) feed.publish('a', line(`a${n}`));
    feed.publish('a', line('a5'));
    feed.publish('b', line('b1'));
    const batches = await drain(logs, 2);
    expect(batches).toEqual([
      { instanceId: 'a', lines: ['a2', 'a3', 'a4', 'a5'].map(line), dropped: 1 },
      { instanceId: 'b', lines: [], dropped: 1 },
    ]);
  });

  it('never reorders an instance lines, whatever the interleaving and limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        async (writers, cap) => {
          const feed = new LogFeed({ linesPerInstance: cap, linesInTotal: cap * 2, batchLines: 3 });
          const logs = feed.subscribe();
          const counters: Record<string, number> = { a: 0, b: 0, c: 0 };
          for (const w of writers) feed.publish(w, line(`${w}:${++counters[w]}`));
          feed.close();
          const seen: Record<string, number[]> = { a: [], b: [], c: [] };
          let accounted = 0;
          for await (const batch of logs) {
            seen[batch.instanceId].push(...batch.lines.map((l) => Number(l.data.split(':')[1])));
            accounted += batch.lines.length + batch.dropped;
          }
          for (const numbers of Object.values(seen))
            expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
          expect(accounted).toBe(writers.length);
        },
      ),
    );
  });
});

describe('line splitter', () => {
  it('holds a partial line until its newline and strips \\r', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('one\r\ntw')).toEqual(['one']);
    expect(splitter.push('o\nthree')).toEqual(['two']);
    expect(splitter.flush()).toEqual(['three']);
  });

  it('never splits a UTF-8 character across chunks', () => {
    const bytes = Buffer.from('héllo\n');
    const splitter = new LineSplitter();
    expect([...splitter.push(bytes.subarray(0, 2)), ...splitter.push(bytes.subarray(2))]).toEqual(['héllo']);
  });

  it('cuts runaway lines', () => {
    const splitter = new LineSplitter(4);
    expect(splitter.push('abcdefghij')).toEqual(['abcd', 'efgh']);
    expect(splitter.push('\nxyzuvw\n')).toEqual(['ij', 'xyzu', 'vw']);
  });
});
