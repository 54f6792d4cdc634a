import { EventStoreDBClient, WrongExpectedVersionError } from '@eventstore/db-client';
import { Decider, NotFound, RevisionConflict, ValidationFailed } from '@libs/domain';
import { RunningEventStore, startEventStore } from '@libs/testing';
import { AggregateCommandHandler } from './command-handler';
import { drain } from './reads';

/** A counter aggregate: enough to exercise every path of the handler. */
type State = { status: 'absent' } | { status: 'open'; value: number };
type Cmd = { type: 'Open'; data: object } | { type: 'Add'; data: { n: number } } | { type: 'Noop'; data: object };
type Evt = { type: 'Opened'; data: object } | { type: 'Added'; data: { n: number } };
const counter: Decider<State, Cmd, Evt> = {
  initialState: { status: 'absent' },
  evolve: (state, event) => (event.type === 'Opened' ? { status: 'open', value: 0 } : state.status === 'open' ? { status: 'open', value: state.value + event.data.n } : state),
  decide: (command, state) => {
    if (command.type === 'Open') return state.status === 'open' ? ValidationFailed.of('counter', 'already open') : [{ type: 'Opened', data: {} }];
    if (state.status !== 'open') return new NotFound();
    return command.type === 'Noop' ? [] : [{ type: 'Added', data: { n: command.data.n } }];
  },
};
const context = { now: new Date('2026-11-22T00:00:00Z'), actor: { kind: 'system' as const, component: 'test' } };

describe('aggregate command handler (real event store)', () => {
  let store: RunningEventStore;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    store = await startEventStore({ memory: true });
    client = EventStoreDBClient.connectionString(store.url);
  });
  afterAll(async () => {
    await client.dispose();
    await store.stop();
  });
  const events = async (stream: string) => (await drain(client.readStream(stream))).map((e) => `${e.event!.revision}:${e.event!.type}`);

  it('creates, then decides on what it cached, and never skips a revision', async () => {
    const handler = new AggregateCommandHandler(client);
    expect(await handler.handle('counter-a', counter, { type: 'Open', data: {} }, context)).toMatchObject({ revision: 0n });
    expect(await handler.handle('counter-a', counter, { type: 'Add', data: { n: 2 } }, context)).toMatchObject({ revision: 1n, state: { value: 2 } });
    expect(await events('counter-a')).toEqual(['0:Opened', '1:Added']);
  });

  it('refuses a create on an existing stream it has never seen, after reading it', async () => {
    await new AggregateCommandHandler(client).handle('counter-b', counter, { type: 'Open', data: {} }, context);
    const stranger = new AggregateCommandHandler(client);
    expect(await stranger.handle('counter-b', counter, { type: 'Open', data: {} }, context)).toBeInstanceOf(ValidationFailed);
    expect(await stranger.handle('counter-b', counter, { type: 'Add', data: { n: 1 } }, context)).toMatchObject({ revision: 1n });
  });

  it('recovers when another process wrote since it cached the state', async () => {
    const one = new AggregateCommandHandler(client);
    const two = new AggregateCommandHandler(client);
    await one.handle('counter-c', counter, { type: 'Open', data: {} }, context);
    await one.handle('counter-c', counter, { type: 'Add', data: { n: 1 } }, context); // one caches revision 1
    await two.handle('counter-c', counter, { type: 'Add', data: { n: 10 } }, context); // revision 2 behind one's back
    const outcome = await one.handle('counter-c', counter, { type: 'Add', data: { n: 100 } }, context);
    expect(outcome).toMatchObject({ revision: 3n, state: { value: 111 } });
    expect(await events('counter-c')).toEqual(['0:Opened', '1:Added', '2:Added', '3:Added']);
  });

  it('decides a batch in order, appends it at once, and refuses only the commands that fail', async () => {
    const handler = new AggregateCommandHandler(client);
    const batch = (...commands: Cmd[]) => commands.map((command) => ({ command, context }));
    const outcomes = await handler.handleBatch('counter-batch', counter, batch({ type: 'Open', data: {} }, { type: 'Add', data: { n: 2 } }, { type: 'Open', data: {} }, { type: 'Add', data: { n: 3 } }));
    expect(outcomes[0]).toMatchObject({ events: [{ type: 'Opened' }], revision: 2n });
    expect(outcomes[1]).toMatchObject({ state: { value: 2 }, revision: 2n });
    expect(outcomes[2]).toBeInstanceOf(ValidationFailed);
    expect(outcomes[3]).toMatchObject({ state: { value: 5 } });
    expect(await events('counter-batch')).toEqual(['0:Opened', '1:Added', '2:Added']);

    // Another process wrote meanwhile: the batch is decided again on what is now there.
    await new AggregateCommandHandler(client).handle('counter-batch', counter, { type: 'Add', data: { n: 10 } }, context);
    const again = await handler.handleBatch('counter-batch', counter, batch({ type: 'Add', data: { n: 1 } }, { type: 'Noop', data: {} }));
    expect(again[1]).toMatchObject({ events: [], state: { value: 16 }, revision: 4n });
    expect(await events('counter-batch')).toEqual(['0:Opened', '1:Added', '2:Added', '3:Added', '4:Added']);
  });

  it('confirms a refusal by reading before answering', async () => {
    const one = new AggregateCommandHandler(client);
    const two = new AggregateCommandHandler(client);
    expect(await one.handle('counter-d', counter, { type: 'Add', data: { n: 1 } }, context)).toBeInstanceOf(NotFound);
    await two.handle('counter-d', counter, { type: 'Open', data: {} }, context);
    // one knows nothing of counter-d being opened; its assumption would refuse, the read says otherwise.
    expect(await one.handle('counter-d', counter, { type: 'Add', data: { n: 1 } }, context)).toMatchObject({ revision: 1n });
  });

  it('answers a stale If-Match with a conflict and appends nothing', async () => {
    const handler = new AggregateCommandHandler(client);
    await handler.handle('counter-e', counter, { type: 'Open', data: {} }, context);
    await handler.handle('counter-e', counter, { type: 'Add', data: { n: 1 } }, context);
    expect(await handler.handle('counter-e', counter, { type: 'Add', data: { n: 1 } }, context, { expectedRevision: 0n })).toBeInstanceOf(RevisionConflict);
    expect(await handler.handle('counter-e', counter, { type: 'Add', data: { n: 1 } }, context, { expectedRevision: 1n })).toMatchObject({ revision: 2n });
    expect(await events('counter-e')).toHaveLength(3);
  });

  it('keeps every update from concurrent processes, in order, without gaps', async () => {
    const handlers = [new AggregateCommandHandler(client), new AggregateCommandHandler(client), new AggregateCommandHandler(client)];
    await handlers[0].handle('counter-f', counter, { type: 'Open', data: {} }, context);
    await Promise.all(Array.from({ length: 30 }, (_, i) => handlers[i % 3].handle('counter-f', counter, { type: 'Add', data: { n: 1 } }, context)));
    const final = await new AggregateCommandHandler(client).load('counter-f', counter);
    expect(final).toEqual({ status: 'open', value: 30 });
    expect((await events('counter-f')).map((e) => Number(e.split(':')[0]))).toEqual(Array.from({ length: 31 }, (_, i) => i));
  });

  it('appends nothing for a no-op', async () => {
    const handler = new AggregateCommandHandler(client);
    await handler.handle('counter-g', counter, { type: 'Open', data: {} }, context);
    expect(await handler.handle('counter-g', counter, { type: 'Noop', data: {} }, context)).toMatchObject({ events: [], revision: 0n });
    expect(await events('counter-g')).toEqual(['0:Opened']);
  });

  it('records each event\'s metadata as JSON that readers get back as an object', async () => {
    await new AggregateCommandHandler(client).handle('counter-meta', counter, { type: 'Open', data: {} }, { ...context, metadata: { requestId: 'r-1' } });
    const [read] = await drain(client.readStream('counter-meta'));
    expect(read.event!.metadata).toEqual({ requestId: 'r-1', actor: context.actor, occurredAt: '2026-11-22T00:00:00.000Z', schemaVersion: 1 });
  });

  describe('append (events decided elsewhere)', () => {
    /** The same client, counting the events its stream reads yield. */
    const counting = () => {
      const counter = { events: 0 };
      const proxy = new Proxy(client, {
        get(target, property) {
          // The client keeps private fields: its methods must run on the client itself, not on the proxy.
          const value = Reflect.get(target, property, target);
          if (property !== 'readStream') return typeof value === 'function' ? value.bind(target) : value;
          return (...args: Parameters<EventStoreDBClient['readStream']>) => {
            const read = target.readStream(...args);
            return (async function* () {
              for await (const item of read) {
                counter.events++;
                yield item;
              }
            })();
          };
        },
      });
      return { client: proxy as EventStoreDBClient, counter };
    };
    const metadata = { actor: context.actor, occurredAt: context.now.toISOString(), schemaVersion: 1 };

    it('folds what it appended into the cache, so the next load reads nothing back', async () => {
      const { client: reading, counter: reads } = counting();
      const handler = new AggregateCommandHandler(reading);
      await handler.handle('counter-append', counter, { type: 'Open', data: {} }, context);
      const { revision } = await handler.append('counter-append', counter, 0n, [{ type: 'Added', data: { n: 4 } }, { type: 'Added', data: { n: 5 } }], metadata);
      expect(revision).toBe(2n);
      reads.events = 0;
      expect(await handler.load('counter-append', counter)).toEqual({ status: 'open', value: 9 });
      expect(reads.events).toBe(0);
      expect(await events('counter-append')).toEqual(['0:Opened', '1:Added', '2:Added']);
    });

    it('starts a new stream from the fold\'s initial state', async () => {
      const { client: reading, counter: reads } = counting();
      const handler = new AggregateCommandHandler(reading);
      await handler.append('counter-append-new', counter, undefined, [{ type: 'Opened', data: {} }], metadata);
      expect(await handler.load('counter-append-new', counter)).toEqual({ status: 'open', value: 0 });
      expect(reads.events).toBe(0);
    });

    it('fails on a stale expected revision, appends nothing, and leaves the cache to a fresh read', async () => {
      const handler = new AggregateCommandHandler(client);
      await handler.handle('counter-append-stale', counter, { type: 'Open', data: {} }, context);
      await new AggregateCommandHandler(client).handle('counter-append-stale', counter, { type: 'Add', data: { n: 1 } }, context);
      await expect(handler.append('counter-append-stale', counter, 0n, [{ type: 'Added', data: { n: 100 } }], metadata)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await events('counter-append-stale')).toEqual(['0:Opened', '1:Added']);
      expect(await handler.load('counter-append-stale', counter)).toEqual({ status: 'open', value: 1 });
    });

    it('does not fold into a state another fold of the stream made', async () => {
      const { client: reading, counter: reads } = counting();
      const handler = new AggregateCommandHandler(reading);
      const opened = { initialState: 0, evolve: (n: number, event: Evt) => (event.type === 'Opened' ? n + 1 : n) };
      await handler.handle('counter-append-folds', counter, { type: 'Open', data: {} }, context);
      await handler.append('counter-append-folds', counter, 0n, [{ type: 'Added', data: { n: 3 } }], metadata);
      reads.events = 0;
      expect(await handler.load('counter-append-folds', opened)).toBe(1);
      expect(reads.events).toBe(2);
    });
  });
});
