import {
  ANY,
  BACKWARDS,
  EventStoreDBClient,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { RunningEventStore, startEventStore } from '@libs/testing';
import { clientFor, collect, disposeAll, testEvents, uniqueStream } from './support';

let server: RunningEventStore;
let client: EventStoreDBClient;

beforeAll(async () => {
  server = await startEventStore();
  client = clientFor(server);
});
afterAll(async () => {
  await disposeAll();
  await server?.stop();
});

const revisions = async (stream: string, options: Parameters<EventStoreDBClient['readStream']>[1] = {}) =>
  (await collect(client.readStream(stream, options))).map((e) => Number(e.event!.revision));

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

async function inAll(stream: string) {
  return (await collect(client.readAll())).filter(
    (e) => e.event!.streamId === stream || e.event!.streamId === `$$${stream}`,
  );
}

describe('soft delete (spec §3.3)', () => {
  it('hides the stream, keeps its events in $all, and writes a $tb-only metadata event', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(3));
    const deleted = await client.deleteStream(stream);
    expect(await failure(collect(client.readStream(stream)))).toBeInstanceOf(StreamNotFoundError);
    const records = await inAll(stream);
    expect(records.map((e) => `${e.event!.streamId}:${e.event!.type}`)).toEqual([
      `${stream}:TestEvent`,
      `${stream}:TestEvent`,
      `${stream}:TestEvent`,
      `$$${stream}:$metadata`,
    ]);
    expect(records[3].event!.position).toEqual(deleted.position);
    expect(Buffer.from(JSON.stringify(records[3].event!.data)).toString()).toMatch(
      /"\$tb":9223372036854776000/,
    );
  });

  it('is undone by an append; revisions continue and the old events stay hidden', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(3));
    await client.setStreamMetadata(stream, { maxCount: 2, custom: 'lost on delete' } as never);
    await client.deleteStream(stream);
    expect(await client.appendToStream(stream, testEvents(1), { expectedRevision: NO_STREAM })).toMatchObject(
      { nextExpectedRevision: 3n },
    );
    expect(await revisions(stream)).toEqual([3]);
    const { metadata } = await client.getStreamMetadata(stream);
    // The delete wrote metadata holding only $tb, so earlier keys are gone; the undelete rewrote $tb.
    expect(metadata).toEqual({ truncateBefore: 3 });
  });

  it('is undone by writing metadata, which then starts the stream after its last event', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(3));
    await client.deleteStream(stream);
    await client.setStreamMetadata(stream, { maxCount: 10 });
    expect((await client.getStreamMetadata(stream)).metadata).toEqual({ maxCount: 10, truncateBefore: 3 });
    expect(await revisions(stream)).toEqual([]);
  });

  it('answers stream_exists appends with StreamDeletedError while deleted', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(1));
    await client.deleteStream(stream);
    expect(
      await failure(client.appendToStream(stream, testEvents(1), { expectedRevision: STREAM_EXISTS })),
    ).toBeInstanceOf(StreamDeletedError);
  });

  it('reports a wrong expected revision through trailers, with the internal version numbers', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(4));
    const wrong = await failure(client.deleteStream(stream, { expectedRevision: 1n }));
    expect(wrong).toBeInstanceOf(WrongExpectedVersionError);
    expect(wrong).toMatchObject({ streamName: stream, expectedVersion: 1n, actualVersion: 3n });
    // A stream with neither events nor metadata cannot be deleted (server PR #3154); the real
    // server's trailers then carry its internal -1 (no stream) and -2 (any).
    const missing = uniqueStream();
    expect(await failure(client.deleteStream(missing, { expectedRevision: NO_STREAM }))).toMatchObject({
      streamName: missing,
      expectedVersion: -1n,
      actualVersion: -1n,
    });
    expect(await failure(client.deleteStream(missing, { expectedRevision: ANY }))).toMatchObject({
      expectedVersion: -2n,
      actualVersion: -1n,
    });
  });

  it('accepts no_stream for a stream that only has metadata', async () => {
    const stream = uniqueStream();
    await client.setStreamMetadata(stream, { cacheControl: 10 });
    expect(await client.deleteStream(stream, { expectedRevision: NO_STREAM })).toHaveProperty('position');
  });
});

describe('tombstone (spec §3.3)', () => {
  it('makes reads, appends, deletes and tombstones fail with StreamDeletedError, forever', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(2));
    const tombstoned = await client.tombstoneStream(stream);
    for (const attempt of [
      collect(client.readStream(stream)),
      collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: 'end' })),
      client.appendToStream(stream, testEvents(1)),
      client.appendToStream(stream, testEvents(1), { expectedRevision: NO_STREAM }),
      client.deleteStream(stream),
      client.tombstoneStream(stream),
    ]) {
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(StreamDeletedError);
      expect((error as StreamDeletedError).streamName).toBe(stream);
    }
    const [tombstone] = (await inAll(stream)).slice(-1);
    expect(tombstone.event).toMatchObject({
      type: '$streamDeleted',
      revision: 9223372036854775807n,
      position: tombstoned.position,
    });
  });

  it('checks the expected revision, and can bury a stream that never existed', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(2));
    expect(await failure(client.tombstoneStream(stream, { expectedRevision: 0n }))).toMatchObject({
      streamName: stream,
      expectedVersion: 0n,
      actualVersion: 1n,
    });
    expect(await client.tombstoneStream(stream, { expectedRevision: 1n })).toHaveProperty('position');
    const never = uniqueStream();
    await client.tombstoneStream(never, { expectedRevision: NO_STREAM });
    expect(await failure(client.appendToStream(never, testEvents(1)))).toBeInstanceOf(StreamDeletedError);
  });

  it('follows a soft delete', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(1));
    await client.deleteStream(stream);
    await client.tombstoneStream(stream);
    expect(await failure(collect(client.readStream(stream)))).toBeInstanceOf(StreamDeletedError);
  });
});

describe('stream metadata applied at read time (spec §3.4)', () => {
  it('$maxCount keeps the newest events visible without touching revisions', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(5));
    await client.setStreamMetadata(stream, { maxCount: 2 });
    expect(await revisions(stream)).toEqual([3, 4]);
    expect(await revisions(stream, { direction: BACKWARDS, fromRevision: 'end' })).toEqual([4, 3]);
    expect(await revisions(stream, { fromRevision: 0n, maxCount: 1 })).toEqual([3]);
    expect(await client.appendToStream(stream, testEvents(1))).toMatchObject({ nextExpectedRevision: 5n });
    expect(await revisions(stream)).toEqual([4, 5]);
  });

  it('$tb hides older revisions; a range wholly below it is empty, not missing', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(5));
    await client.setStreamMetadata(stream, { truncateBefore: 3 });
    expect(await revisions(stream)).toEqual([3, 4]);
    expect(await revisions(stream, { direction: BACKWARDS, fromRevision: 1n })).toEqual([]);
  });

  it('$maxAge hides events older than the given seconds', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(2));
    await client.setStreamMetadata(stream, { maxAge: 1 });
    expect(await revisions(stream)).toEqual([0, 1]);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await revisions(stream)).toEqual([]);
    await client.appendToStream(stream, testEvents(1));
    expect(await revisions(stream)).toEqual([2]);
  });

  it('keeps only the last metadata event visible in the metastream, with custom keys', async () => {
    const stream = uniqueStream();
    await client.appendToStream(stream, testEvents(1));
    await client.setStreamMetadata(stream, { maxCount: 7 });
    await client.setStreamMetadata(stream, { maxCount: 9, owner: 'team-a' } as never);
    const meta = await collect(client.readStream(`$$${stream}`));
    expect(meta.map((e) => Number(e.event!.revision))).toEqual([1]);
    const result = await client.getStreamMetadata(stream);
    expect(result.streamName).toBe(stream);
    expect(result.metadata).toEqual({ maxCount: 9, owner: 'team-a' });
  });

  it('reports a stream without metadata as such', async () => {
    const stream = uniqueStream();
    expect(await client.getStreamMetadata(stream)).toEqual({ streamName: stream });
  });
});
