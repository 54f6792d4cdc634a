import { EventStoreDBClient } from '@eventstore/db-client';
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
});
