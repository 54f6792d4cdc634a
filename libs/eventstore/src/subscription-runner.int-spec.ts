import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { RunningEventStore, startEventStore } from '@libs/testing';
import { AllPosition, comparePositions } from './positions';
import { SubscriptionRunner } from './subscription-runner';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('subscription runner checkpoints', () => {
  let store: RunningEventStore;
  let client: EventStoreDBClient;

  beforeAll(async () => {
    store = await startEventStore({ memory: true });
    client = EventStoreDBClient.connectionString(store.url);
  }, 30_000);
  afterAll(async () => {
    await client?.dispose();
    await store?.stop();
  }, 30_000);

  it('saves a checkpoint only once every event before it was handled, filter checkpoints included', async () => {
    for (let stream = 0; stream < 10; stream++) {
      await client.appendToStream(
        `runner-${stream}`,
        Array.from({ length: 30 }, (_, n) => jsonEvent({ type: 'Counted', data: { stream, n } })),
      );
    }
    const positions: AllPosition[] = [];
    for await (const { event } of client.readAll())
      if (event && !event.type.startsWith('$')) positions.push(event.position!);

    const handled: AllPosition[] = [];
    const early: string[] = [];
    let allHandled!: () => void;
    const done = new Promise<void>((resolve) => (allHandled = resolve));
    const runner = new SubscriptionRunner({
      name: 'test',
      client,
      logger: quiet,
      checkpoints: {
        load: async () => undefined,
        save: async (checkpoint) => {
          const unhandled = positions.filter(
            (p) => comparePositions(p, checkpoint) <= 0 && !handled.some((h) => comparePositions(h, p) === 0),
          );
          if (unhandled.length)
            early.push(
              `checkpoint ${checkpoint.commit} before ${unhandled.length} events at or below it were handled`,
            );
        },
      },
      // A slow handler lets the client buffer events ahead of it, where the server's checkpoints overtake them.
      handle: async (envelope) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        handled.push(envelope.position);
        if (handled.length === positions.length) allHandled();
      },
    }).start();
    await done;
    await runner.stop();
    expect(handled.length).toBe(300);
    expect(early).toEqual([]);
  }, 30_000);
});
