import { ANY } from '../domain/expected-revision';
import { CommitSignal } from './commit-signal';
import { GroupCommitQueue } from './group-commit';
import type { CommittedBatch, WriteCommand } from './records';

const command = (stream: string): WriteCommand => ({ kind: 'append', stream, expected: ANY, events: [] });

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('GroupCommitQueue', () => {
  it('commits what arrives together as one batch, and what arrives during a commit as the next', async () => {
    const batches: string[][] = [];
    const commits: ReturnType<typeof deferred<CommittedBatch>>[] = [];
    const queue = new GroupCommitQueue(
      (commands) => {
        batches.push(commands.map((c) => c.stream));
        const commit = deferred<CommittedBatch>();
        commits.push(commit);
        return commit.promise;
      },
      () => undefined,
    );
    const answer = (i: number, streams: string[]) =>
      commits[i].resolve({
        results: streams.map((_, n) => ({ kind: 'written', currentRevision: n, position: i * 100 + n })),
        streams,
        lastPosition: i * 100,
      });

    const first = [queue.write(command('a')), queue.write(command('b'))];
    await new Promise((resolve) => setImmediate(resolve));
    const second = [queue.write(command('c')), queue.write(command('d')), queue.write(command('e'))];
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['a', 'b']]); // one commit in flight at a time

    answer(0, ['a', 'b']);
    expect(await Promise.all(first)).toEqual([
      { kind: 'written', currentRevision: 0, position: 0 },
      { kind: 'written', currentRevision: 1, position: 1 },
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
    answer(1, ['c', 'd', 'e']);
    expect((await Promise.all(second)).map((r) => r.kind === 'written' && r.position)).toEqual([
      100, 101, 102,
    ]);
    await queue.drain();
  });

  it('acknowledges only after the commit, tells subscribers first, and fails every write of a failed commit', async () => {
    const order: string[] = [];
    let fail = false;
    const queue = new GroupCommitQueue(
      async (commands) => {
        if (fail) throw new Error('disk full');
        return {
          results: commands.map(() => ({ kind: 'written' as const, currentRevision: 0, position: 7 })),
          streams: ['s'],
          lastPosition: 7,
        };
      },
      () => order.push('notified'),
    );
    await queue.write(command('s')).then(() => order.push('acknowledged'));
    expect(order).toEqual(['notified', 'acknowledged']);
    fail = true;
    expect(await Promise.all([queue.write(command('x')), queue.write(command('y'))])).toEqual([
      { kind: 'failed', message: 'storage failure: disk full' },
      { kind: 'failed', message: 'storage failure: disk full' },
    ]);
  });
});

describe('CommitSignal', () => {
  it('never misses a commit that happened after the reader looked', async () => {
    const signal = new CommitSignal();
    const seen = signal.current;
    signal.notify(['other']);
    await signal.after(seen, 'mine', new AbortController().signal); // resolves at once
  });

  it('wakes stream waiters only for their stream, and everyone waiting on $all', async () => {
    const signal = new CommitSignal();
    const woken: string[] = [];
    const never = new AbortController();
    void signal.after(signal.current, 'a', never.signal).then(() => woken.push('a'));
    void signal.after(signal.current, 'b', never.signal).then(() => woken.push('b'));
    void signal.after(signal.current, undefined, never.signal).then(() => woken.push('all'));
    signal.notify(['a']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken.sort()).toEqual(['a', 'all']);
    expect(signal.waiting).toBe(1);
  });

  it('lets an aborted waiter go and forgets it', async () => {
    const signal = new CommitSignal();
    const gone = new AbortController();
    const waiting = signal.after(signal.current, 'a', gone.signal);
    expect(signal.waiting).toBe(1);
    gone.abort();
    await waiting;
    expect(signal.waiting).toBe(0);
  });
});
