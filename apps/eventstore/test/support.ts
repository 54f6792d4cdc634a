import { EventStoreDBClient, jsonEvent, JSONEventType, ResolvedEvent } from '@eventstore/db-client';
import { RunningEventStore } from '@libs/testing';

const clients = new Set<EventStoreDBClient>();

/** A client for a running (insecure) test server, disposed by `disposeAll`. */
export function clientFor(server: RunningEventStore, url = server.url): EventStoreDBClient {
  return track(EventStoreDBClient.connectionString(url));
}

export function track(client: EventStoreDBClient): EventStoreDBClient {
  clients.add(client);
  return client;
}

export async function disposeAll(): Promise<void> {
  await Promise.all([...clients].map((client) => client.dispose()));
  clients.clear();
}

type TestEvent = JSONEventType<string, { n: number }>;

export function testEvents(count: number, type = 'TestEvent'): ReturnType<typeof jsonEvent<TestEvent>>[] {
  return Array.from({ length: count }, (_, n) => jsonEvent<TestEvent>({ type, data: { n } }));
}

let streamCounter = 0;
/** A stream name no other test uses. */
export function uniqueStream(prefix = 'test'): string {
  streamCounter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${streamCounter}`;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Resolves when `predicate` holds, polling; fails with `describe()` after the timeout. */
export async function eventually(
  predicate: () => boolean,
  describe: () => string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export type Observed =
  | { kind: 'confirmation' }
  | { kind: 'event'; event: ResolvedEvent }
  | { kind: 'caughtUp' }
  | { kind: 'checkpoint'; commit: bigint };

export function nonSystem(event: ResolvedEvent): boolean {
  return !event.event?.streamId.startsWith('$');
}
