import { spawn } from 'node:child_process';
import {
  END,
  EventStoreDBClient,
  eventTypeFilter,
  excludeSystemEvents,
  Filter,
  Position,
  ResolvedEvent,
  START,
  StreamDeletedError,
  streamNameFilter,
} from '@eventstore/db-client';
import { RunningEventStore, startEventStore } from '@libs/testing';
import {
  clientFor,
  collect,
  disposeAll,
  eventually,
  nonSystem,
  Observed,
  testEvents,
  uniqueStream,
} from './support';

let server: RunningEventStore;
let client: EventStoreDBClient;

beforeAll(async () => {
  server = await startEventStore({ env: { LOG_LEVEL: 'debug' } });
  client = clientFor(server);
});
afterAll(async () => {
  await disposeAll();
  await server?.stop();
});

type Subscription =
  ReturnType<EventStoreDBClient['subscribeToAll']> | ReturnType<EventStoreDBClient['subscribeToStream']>;

/** Everything a subscription reports, in the order the client reports it. */
function observe(
  subscription: Subscription,
  observed: Observed[] = [],
): { observed: Observed[]; events: () => ResolvedEvent[]; error: () => unknown } {
  let failure: unknown;
  subscription.on('confirmation', () => observed.push({ kind: 'confirmation' }));
  subscription.on('data', (event: ResolvedEvent) => observed.push({ kind: 'event', event }));
  subscription.on('caughtUp', () => observed.push({ kind: 'caughtUp' }));
  subscription.on('error', (error: unknown) => (failure = error));
  return {
    observed,
    events: () => observed.flatMap((o) => (o.kind === 'event' ? [o.event] : [])),
    error: () => failure,
  };
}

const summary = (observed: Observed[], streamOnly = true) =>
  observed.flatMap((o) => {
    if (o.kind === 'event')
      return streamOnly && !nonSystem(o.event) ? [] : [`${o.event.event!.type}:${o.event.event!.revision}`];
    if (o.kind === 'checkpoint') return [`checkpoint:${o.commit}`];
    return [o.kind];
  });

const caughtUp = (observed: Observed[]) => () => observed.some((o) => o.kind === 'caughtUp');

describe('subscribeToStream (spec §3.6)', () => {
  it('sends confirmation, the history, caught_up, then live events', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(3, 'Old'));
    const sub = observe(client.subscribeToStream(stream, { fromRevision: START }));
    await eventually(caughtUp(sub.observed), () => JSON.stringify(summary(sub.observed)));
    await client.appendToStream(stream, testEvents(2, 'New'));
    await eventually(
      () => sub.events().length === 5,
      () => JSON.stringify(summary(sub.observed)),
    );
    expect(summary(sub.observed)).toEqual([
      'confirmation',
      'Old:0',
      'Old:1',
      'Old:2',
      'caughtUp',
      'New:3',
      'New:4',
    ]);
  });

  it('starts after the given revision (exclusive) or, from END, with new events only', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(3));
    const fromRevision = observe(client.subscribeToStream(stream, { fromRevision: 1n }));
    const fromEnd = observe(client.subscribeToStream(stream, { fromRevision: END }));
    await eventually(
      () => caughtUp(fromRevision.observed)() && caughtUp(fromEnd.observed)(),
      () => 'caught up',
    );
    await client.appendToStream(stream, testEvents(1, 'Live'));
    await eventually(
      () => fromEnd.events().length === 1 && fromRevision.events().length === 2,
      () => 'live event',
    );
    expect(summary(fromRevision.observed)).toEqual(['confirmation', 'TestEvent:2', 'caughtUp', 'Live:3']);
    expect(summary(fromEnd.observed)).toEqual(['confirmation', 'caughtUp', 'Live:3']);
  });

  it('waits on a stream that does not exist yet', async () => {
    const stream = uniqueStream();
    const sub = observe(client.subscribeToStream(stream));
    await eventually(caughtUp(sub.observed), () => 'caught up');
    await client.appendToStream(stream, testEvents(1, 'First'));
    await eventually(
      () => sub.events().length === 1,
      () => 'first event',
    );
    expect(summary(sub.observed)).toEqual(['confirmation', 'caughtUp', 'First:0']);
  });

  it('fails with StreamDeletedError on a tombstoned stream, and ends after a tombstone seen live', async () => {
    const dead = uniqueStream();
    await client.appendToStream(dead, testEvents(1));
    await client.tombstoneStream(dead);
    const refused = observe(client.subscribeToStream(dead));
    await eventually(
      () => refused.error() !== undefined,
      () => 'error',
    );
    expect(refused.error()).toBeInstanceOf(StreamDeletedError);

    const dying = uniqueStream();
    await client.appendToStream(dying, testEvents(1));
    const live = observe(client.subscribeToStream(dying));
    await eventually(caughtUp(live.observed), () => 'caught up');
    await client.tombstoneStream(dying);
    await eventually(
      () => live.error() !== undefined,
      () => JSON.stringify(summary(live.observed)),
    );
    expect(live.error()).toBeInstanceOf(StreamDeletedError);
    expect(summary(live.observed)).toEqual([
      'confirmation',
      'TestEvent:0',
      'caughtUp',
      '$streamDeleted:9223372036854775807',
    ]);
  });

  it('skips what a soft delete hid and delivers what an undelete appends', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(2));
    await client.deleteStream(stream);
    const sub = observe(client.subscribeToStream(stream));
    await eventually(caughtUp(sub.observed), () => 'caught up');
    await client.appendToStream(stream, testEvents(1, 'Again'));
    await eventually(
      () => sub.events().length === 1,
      () => 'undeleted event',
    );
    expect(summary(sub.observed)).toEqual(['confirmation', 'caughtUp', 'Again:2']);
  });
});

describe('subscribeToAll (spec §3.6)', () => {
  it('sends all history including system events, caught_up, then live events', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(2, 'Before'));
    const sub = observe(client.subscribeToAll({ fromPosition: START }));
    await eventually(caughtUp(sub.observed), () => 'caught up');
    await client.appendToStream(stream, testEvents(1, 'After'));
    await eventually(
      () => sub.events().some((e) => e.event!.type === 'After'),
      () => 'live event',
    );
    const kinds = summary(sub.observed, false);
    expect(kinds[0]).toBe('confirmation');
    expect(kinds).toContain('$epoch-information:0');
    expect(kinds.indexOf('Before:1')).toBeLessThan(kinds.indexOf('caughtUp'));
    expect(kinds.indexOf('After:2')).toBeGreaterThan(kinds.indexOf('caughtUp'));
  });

  it('starts after the given position (exclusive)', async () => {
    const stream = uniqueStream();
    const first = await client.appendToStream(stream, testEvents(1, 'First'));
    await client.appendToStream(stream, testEvents(1, 'Second'));
    const sub = observe(client.subscribeToAll({ fromPosition: first.position! }));
    await eventually(caughtUp(sub.observed), () => 'caught up');
    expect(summary(sub.observed)).toEqual(['confirmation', 'Second:1', 'caughtUp']);
  });

  it('never skips or repeats an event across the catch-up/live switch under concurrent appends', async () => {
    const stream = uniqueStream('race');
    const writes = (async () => {
      for (let i = 0; i < 30; i++) await client.appendToStream(stream, testEvents(10));
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const sub = observe(client.subscribeToAll({ filter: streamNameFilter({ prefixes: [stream] }) }));
    await writes;
    await eventually(
      () => sub.events().length >= 300,
      () => `${sub.events().length} events`,
    );
    expect(sub.events().map((e) => Number(e.event!.revision))).toEqual(
      Array.from({ length: 300 }, (_, i) => i),
    );
  });

  it('feeds many subscribers from one client', async () => {
    const stream = uniqueStream('fanout');
    const subs = Array.from({ length: 50 }, () =>
      observe(client.subscribeToAll({ fromPosition: END, filter: streamNameFilter({ prefixes: [stream] }) })),
    );
    await eventually(
      () => subs.every((s) => caughtUp(s.observed)()),
      () => 'all caught up',
    );
    await client.appendToStream(stream, testEvents(20));
    await eventually(
      () => subs.every((s) => s.events().length === 20),
      () => subs.map((s) => s.events().length).join(','),
    );
  });
});

describe('subscribeToAll filters (spec §3.5)', () => {
  const prefix = uniqueStream('flt');
  const orders = `${prefix}-order`;
  const invoices = `${prefix}-invoice`;
  let start: Position;

  beforeAll(async () => {
    start = (await client.appendToStream(uniqueStream('marker'), testEvents(1))).position!;
    await client.appendToStream(orders, testEvents(2, `${prefix}OrderPlaced`));
    await client.appendToStream(invoices, testEvents(2, `${prefix}InvoiceSent`));
  });

  async function filtered(filter: Filter): Promise<string[]> {
    const sub = observe(client.subscribeToAll({ fromPosition: start, filter }));
    await eventually(caughtUp(sub.observed), () => 'caught up');
    return sub.events().map((e) => `${e.event!.streamId}:${e.event!.revision}`);
  }

  it('by stream-name prefix', async () => {
    expect(await filtered(streamNameFilter({ prefixes: [orders, 'nothing-like-this'] }))).toEqual([
      `${orders}:0`,
      `${orders}:1`,
    ]);
  });

  it('by stream-name regex (an unanchored search)', async () => {
    expect(await filtered(streamNameFilter({ regex: `${prefix}-inv` }))).toEqual([
      `${invoices}:0`,
      `${invoices}:1`,
    ]);
  });

  it('by event-type prefix and regex', async () => {
    expect(await filtered(eventTypeFilter({ prefixes: [`${prefix}Invoice`] }))).toEqual([
      `${invoices}:0`,
      `${invoices}:1`,
    ]);
    expect(await filtered(eventTypeFilter({ regex: `^${prefix}Order` }))).toEqual([
      `${orders}:0`,
      `${orders}:1`,
    ]);
  });

  it('excludeSystemEvents drops $ event types, including a soft delete’s $metadata', async () => {
    const stream = uniqueStream('sys');
    const from = (await client.appendToStream(stream, testEvents(1))).position!;
    await client.setStreamMetadata(stream, { maxCount: 5 });
    await client.appendToStream(stream, testEvents(1));
    const all = observe(client.subscribeToAll({ fromPosition: from }));
    const user = observe(client.subscribeToAll({ fromPosition: from, filter: excludeSystemEvents() }));
    await eventually(
      () => caughtUp(all.observed)() && caughtUp(user.observed)(),
      () => 'caught up',
    );
    expect(all.events().map((e) => e.event!.type)).toEqual(['$metadata', 'TestEvent']);
    expect(user.events().map((e) => e.event!.type)).toEqual(['TestEvent']);
  });

  it('sends a checkpoint every interval of considered events and always one before caught_up', async () => {
    const stream = uniqueStream('cp');
    const other = uniqueStream('cp-other');
    const from = (await client.appendToStream(stream, testEvents(1))).position!;
    // 10 considered events after `from`, only those of `stream` match.
    for (let i = 0; i < 5; i++) {
      await client.appendToStream(stream, testEvents(1));
      await client.appendToStream(other, testEvents(1));
    }
    const positions = (await collect(client.readAll({ fromPosition: from })))
      .slice(1)
      .map((e) => e.event!.position!.commit);
    expect(positions).toHaveLength(10);

    const observed: Observed[] = [];
    const filter = streamNameFilter({
      prefixes: [stream],
      maxSearchWindow: 2,
      checkpointInterval: 2, // every 2 × 2 = 4 considered events
      checkpointReached: async (_subscription, position) => {
        observed.push({ kind: 'checkpoint', commit: position.commit });
      },
    });
    observe(client.subscribeToAll({ fromPosition: from, filter }), observed);
    await eventually(caughtUp(observed), () => JSON.stringify(summary(observed)));
    expect(summary(observed)).toEqual([
      'confirmation',
      'TestEvent:1',
      'TestEvent:2',
      `checkpoint:${positions[3]}`,
      'TestEvent:3',
      'TestEvent:4',
      `checkpoint:${positions[7]}`,
      'TestEvent:5',
      `checkpoint:${positions[9]}`,
      'caughtUp',
    ]);

    // Live: the count starts again after caught_up.
    for (let i = 0; i < 2; i++) {
      await client.appendToStream(other, testEvents(1));
      await client.appendToStream(stream, testEvents(1));
    }
    const live = (
      await collect(
        client.readAll({ fromPosition: { commit: positions[9] + 1n, prepare: positions[9] + 1n } }),
      )
    ).map((e) => e.event!.position!.commit);
    await eventually(
      () => observed.filter((o) => o.kind === 'checkpoint').length === 4,
      () => JSON.stringify(summary(observed)),
    );
    expect(summary(observed).slice(10)).toEqual(['TestEvent:6', 'TestEvent:7', `checkpoint:${live[3]}`]);
  });
});

describe('a subscriber that disappears', () => {
  it('is cleaned up on the server', async () => {
    const script = `
      const { EventStoreDBClient } = require('@eventstore/db-client');
      const client = EventStoreDBClient.connectionString(process.argv[1]);
      for (let i = 0; i < 3; i++) client.subscribeToAll({ fromPosition: 'end' }).on('caughtUp', () => console.log('caughtUp'));
      client.subscribeToStream('nobody-writes-here').on('caughtUp', () => console.log('caughtUp'));`;
    const subscriber = spawn(process.execPath, ['-e', script, server.url], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let ready = 0;
    subscriber.stdout.on('data', (chunk: Buffer) => (ready += chunk.toString().split('caughtUp').length - 1));
    await eventually(
      () => ready === 4,
      () => `${ready} subscriptions caught up`,
    );
    const endedBefore = server.logs().filter((line) => line.includes('"read ended"')).length;
    subscriber.kill('SIGKILL');
    await eventually(
      () => server.logs().filter((line) => line.includes('"read ended"')).length >= endedBefore + 4,
      () => 'subscriptions of the killed client did not end',
    );
  });
});
