import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import type { AllPosition } from './positions';

/**
 * Consumes a client read to its end. Breaking out of `@eventstore/db-client` 6.2.1's read iterator early
 * unpipes its gRPC call without cancelling or draining it; the call then never finishes and
 * `client.dispose()` waits for it forever. Bound reads with `maxCount` and drain them instead.
 */
export async function drain<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** The position of the newest event in `$all`, system events included; `undefined` for an empty store. */
export async function headOfAll(client: EventStoreDBClient): Promise<AllPosition | undefined> {
  const [last] = await drain(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }));
  return last?.event?.position;
}

/** The position of a stream's newest event. */
export async function headOfStream(client: EventStoreDBClient, stream: string): Promise<AllPosition | undefined> {
  const [last] = await drain(client.readStream(stream, { fromRevision: END, direction: BACKWARDS, maxCount: 1 }));
  return last?.event?.position;
}

/** `dispose()` bounded in time, so a client quirk can never hold a process's shutdown hostage. */
export async function disposeClient(client: EventStoreDBClient, timeoutMs = 2_000): Promise<void> {
  await Promise.race([client.dispose(), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
}
