import { Logger } from '@nestjs/common';
import { ReadModelKeys } from '@libs/read-model';
import type { ReadModels } from '../../platform/read-models';
import { compareEntryIds } from '../event-log-ids';
import type { LoggedEntry, LogRef } from '../event-log.view';
import { EventLogsConfig } from '../event-logs.config';
import { EventLogTail, FollowerSink, TooManyFollowers } from './event-log-tail';

/** Just enough of Redis Streams for the tail: `XREAD COUNT n STREAMS k… id…`, counting the calls. */
class MemoryStreams {
  readonly streams = new Map<string, [string, string[]][]>();
  reads = 0;
  private seq = 0;

  add(key: string, message: string): string {
    const id = `1700000000000-${this.seq++}`;
    const entries = this.streams.get(key) ?? [];
    entries.push([
      id,
      [
        'v',
        JSON.stringify({
          created_at: '2026-01-01T00:00:00.000Z',
          severity: 1,
          type: 't',
          message,
          meta: null,
          relationships: [],
        }),
      ],
    ]);
    this.streams.set(key, entries);
    return id;
  }

  async xread(...args: (string | number)[]): Promise<[string, [string, string[]][]][] | null> {
    this.reads++;
    const count = Number(args[1]);
    const rest = args.slice(3).map(String);
    const keys = rest.slice(0, rest.length / 2);
    const ids = rest.slice(rest.length / 2);
    const reply = keys
      .map(
        (key, i) =>
          [
            key,
            (this.streams.get(key) ?? []).filter(([id]) => compareEntryIds(id, ids[i]) > 0).slice(0, count),
          ] as [string, [string, string[]][]],
      )
      .filter(([, entries]) => entries.length > 0);
    return reply.length ? reply : null;
  }
}

/** A client: what it received, and whether it currently takes more. */
class RecordingSink implements FollowerSink {
  readonly received: string[] = [];
  keepAlives = 0;
  ended = false;
  destroyed = false;
  full = false;
  private drain?: () => void;

  send(entry: LoggedEntry): boolean {
    this.received.push(entry.entry.message);
    return !this.full;
  }
  keepAlive(): boolean {
    this.keepAlives++;
    return !this.full;
  }
  onDrain(listener: () => void): void {
    this.drain = listener;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** The client read everything: the socket drains. */
  takeMore(): void {
    this.full = false;
    const drain = this.drain;
    this.drain = undefined;
    drain?.();
  }
}

const keys = new ReadModelKeys('t:', 1);
const LOG: LogRef = { kind: 'service', id: 'g/null/redis' };
const KEY = keys.eventLog(LOG.kind, LOG.id);
const all = () => true;

async function until(condition: () => boolean, what: string, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the shared event log tail', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let streams: MemoryStreams;
  let tail: EventLogTail;
  let config: EventLogsConfig;

  beforeEach(() => {
    streams = new MemoryStreams();
    config = Object.assign(new EventLogsConfig(), {
      EVENT_LOG_POLL_MS: 10,
      EVENT_LOG_KEEPALIVE_MS: 40,
      EVENT_LOG_STALL_TIMEOUT_MS: 150,
      EVENT_LOG_FOLLOW_BATCH: 3,
      EVENT_LOG_MAX_FOLLOWERS: 5,
    });
    tail = new EventLogTail({ reader: { keys, redis: streams } } as unknown as ReadModels, config);
  });
  afterEach(() => tail.beforeApplicationShutdown());

  it('gives every follower the backlog after its cursor and then new entries, in order, once each', async () => {
    const first = streams.add(KEY, 'a');
    streams.add(KEY, 'b');
    const early = new RecordingSink();
    const late = new RecordingSink();
    tail.follow(LOG, '0-0', all, () => early);
    tail.follow(LOG, first, all, () => late);
    for (const m of ['c', 'd', 'e', 'f', 'g']) streams.add(KEY, m);
    await until(
      () => early.received.length === 7 && late.received.length === 6,
      'both followers to catch up',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(early.received).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(late.received).toEqual(['b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('reads once per round for all followers of all logs', async () => {
    const other = keys.eventLog('grid', 'g');
    const sinks = Array.from({ length: 5 }, () => new RecordingSink());
    sinks.forEach((sink, i) => tail.follow(i % 2 ? LOG : { kind: 'grid', id: 'g' }, '0-0', all, () => sink));
    streams.reads = 0;
    streams.add(KEY, 'x');
    streams.add(other, 'y');
    await until(() => sinks.every((s) => s.received.length === 1), 'all followers');
    const readsForFive = streams.reads;
    // Roughly one read per poll interval however many follow: never one per follower per round.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(streams.reads - readsForFive).toBeLessThan(20);
  });

  it("serves other logs' streams too, apart from the event log of the same grid", async () => {
    const eventLog = new RecordingSink();
    const containerLog = new RecordingSink();
    tail.follow({ kind: 'grid', id: 'g' }, '0-0', all, () => eventLog);
    tail.follow({ kind: 'grid', id: 'g', stream: 't:agent:logs:grid:g' }, '0-0', all, () => containerLog);
    streams.add(keys.eventLog('grid', 'g'), 'deployed');
    streams.add('t:agent:logs:grid:g', 'listening on 80');
    await until(() => eventLog.received.length === 1 && containerLog.received.length === 1, 'both logs');
    expect(eventLog.received).toEqual(['deployed']);
    expect(containerLog.received).toEqual(['listening on 80']);
  });

  it('advances past entries its filter skips', async () => {
    const sink = new RecordingSink();
    tail.follow(
      LOG,
      '0-0',
      (e) => (e as LoggedEntry).entry.message !== 'skip',
      () => sink,
    );
    for (const m of ['a', 'skip', 'skip', 'skip', 'b']) streams.add(KEY, m);
    await until(() => sink.received.length === 2, 'the matching entries');
    expect(sink.received).toEqual(['a', 'b']);
  });

  it('holds back a client that does not take entries, and resumes it where it stopped', async () => {
    const slow = new RecordingSink();
    const fast = new RecordingSink();
    tail.follow(LOG, '0-0', all, () => slow);
    tail.follow(LOG, '0-0', all, () => fast);
    slow.full = true;
    for (let i = 0; i < 10; i++) streams.add(KEY, `m${i}`);
    await until(() => fast.received.length === 10, 'the fast follower');
    // The slow one got one entry (the write that found the socket full) and nothing since.
    expect(slow.received).toEqual(['m0']);
    expect(slow.keepAlives).toBe(0);
    slow.takeMore();
    await until(() => slow.received.length === 10, 'the slow follower after it drained');
    expect(slow.received).toEqual(fast.received);
  });

  it('cuts a client that stopped reading for longer than the stall timeout', async () => {
    const stuck = new RecordingSink();
    stuck.full = true;
    tail.follow(LOG, '0-0', all, () => stuck);
    streams.add(KEY, 'a');
    await until(() => stuck.destroyed, 'the stuck follower to be cut');
    expect(tail.size).toBe(0);
  });

  it('writes keep-alives while idle', async () => {
    const sink = new RecordingSink();
    tail.follow(LOG, '0-0', all, () => sink);
    await until(() => sink.keepAlives >= 3, 'keep-alives');
    expect(sink.received).toEqual([]);
  });

  it('stops reading for a follower that left, and stops altogether when none is left', async () => {
    const sink = new RecordingSink();
    const follower = tail.follow(LOG, '0-0', all, () => sink);
    streams.add(KEY, 'a');
    await until(() => sink.received.length === 1, 'the first entry');
    tail.unfollow(follower);
    streams.add(KEY, 'b');
    const reads = streams.reads;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sink.received).toEqual(['a']);
    expect(streams.reads).toBe(reads);
  });

  it('refuses followers past the maximum without opening them', () => {
    for (let i = 0; i < 5; i++) tail.follow(LOG, '0-0', all, () => new RecordingSink());
    const open = jest.fn(() => new RecordingSink());
    expect(() => tail.follow(LOG, '0-0', all, open)).toThrow(TooManyFollowers);
    expect(open).not.toHaveBeenCalled();
  });

  it('ends every stream cleanly on shutdown and takes no new ones', () => {
    const sinks = [new RecordingSink(), new RecordingSink()];
    for (const sink of sinks) tail.follow(LOG, '0-0', all, () => sink);
    tail.beforeApplicationShutdown();
    expect(sinks.every((s) => s.ended && !s.destroyed)).toBe(true);
    expect(tail.size).toBe(0);
    expect(() => tail.follow(LOG, '0-0', all, () => new RecordingSink())).toThrow(TooManyFollowers);
  });
});
