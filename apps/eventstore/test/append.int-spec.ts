import {
  ANY,
  AppendExpectedRevision,
  binaryEvent,
  EventStoreDBClient,
  jsonEvent,
  MaxAppendSizeExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError,
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

async function wrongExpectedVersion(promise: Promise<unknown>): Promise<WrongExpectedVersionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  return error as WrongExpectedVersionError;
}

// Per-call credentials make the client use Streams.Append instead of BatchAppend (spec §2.2); on an
// insecure channel they are otherwise ignored. Both paths must behave identically.
describe.each([
  ['BatchAppend', {}],
  ['Append', { credentials: { username: 'admin', password: 'changeit' } }],
])('appendToStream through %s', (_path, pathOptions) => {
  const append = (
    stream: string,
    events: ReturnType<typeof testEvents>,
    expectedRevision: AppendExpectedRevision = ANY,
  ) => client.appendToStream(stream, events, { expectedRevision, ...pathOptions });

  it('any: creates and extends a stream; the position is the last event’s', async () => {
    const stream = uniqueStream();
    const first = await append(stream, testEvents(2));
    const second = await append(stream, testEvents(1));
    expect(first).toMatchObject({ success: true, nextExpectedRevision: 1n });
    expect(second).toMatchObject({ success: true, nextExpectedRevision: 2n });
    const events = await collect(client.readStream(stream));
    expect(events.map((e) => e.event!.revision)).toEqual([0n, 1n, 2n]);
    expect(first.position).toEqual(events[1].event!.position);
    expect(second.position!.commit).toBeGreaterThan(first.position!.commit);
    expect(second.position!.commit).toBe(second.position!.prepare);
  });

  it('no_stream: accepted for a new stream, refused with the current revision otherwise', async () => {
    const stream = uniqueStream();
    expect(await append(stream, testEvents(3), NO_STREAM)).toMatchObject({ nextExpectedRevision: 2n });
    const error = await wrongExpectedVersion(append(stream, testEvents(1), NO_STREAM));
    expect(error).toMatchObject({ streamName: stream, expectedVersion: NO_STREAM, actualVersion: 2n });
  });

  it('stream_exists: refused for a new stream (actual no_stream), accepted once it exists', async () => {
    const stream = uniqueStream();
    const error = await wrongExpectedVersion(append(stream, testEvents(1), STREAM_EXISTS));
    expect(error).toMatchObject({
      streamName: stream,
      expectedVersion: STREAM_EXISTS,
      actualVersion: NO_STREAM,
    });
    await append(stream, testEvents(1));
    expect(await append(stream, testEvents(1), STREAM_EXISTS)).toMatchObject({ nextExpectedRevision: 1n });
  });

  it('stream_exists: accepted for a stream that only has metadata', async () => {
    const stream = uniqueStream();
    await client.setStreamMetadata(stream, { maxCount: 10 });
    expect(await append(stream, testEvents(1), STREAM_EXISTS)).toMatchObject({ nextExpectedRevision: 0n });
  });

  it('exact: accepted at the current revision, refused above or below it', async () => {
    const stream = uniqueStream();
    await append(stream, testEvents(2));
    expect(await append(stream, testEvents(1), 1n)).toMatchObject({ nextExpectedRevision: 2n });
    expect(await wrongExpectedVersion(append(stream, testEvents(1), 7n))).toMatchObject({
      streamName: stream,
      expectedVersion: 7n,
      actualVersion: 2n,
    });
    expect(await wrongExpectedVersion(append(stream, testEvents(1), 0n))).toMatchObject({
      expectedVersion: 0n,
      actualVersion: 2n,
    });
    expect(await wrongExpectedVersion(append(uniqueStream(), testEvents(1), 0n))).toMatchObject({
      expectedVersion: 0n,
      actualVersion: NO_STREAM,
    });
  });

  it.each([
    ['no_stream', NO_STREAM],
    ['any', ANY],
  ] as const)(
    'a retry of the same events under %s is answered with the original result and writes nothing',
    async (_name, expected) => {
      const stream = uniqueStream();
      const events = testEvents(3);
      const original = await append(stream, events, expected);
      const retry = await append(stream, events, expected);
      expect(retry).toEqual(original);
      expect(await collect(client.readStream(stream))).toHaveLength(3);
    },
  );

  it('a retry of an exact-revision append in the middle of the stream is idempotent', async () => {
    const stream = uniqueStream();
    await append(stream, testEvents(1));
    const events = testEvents(2);
    const original = await append(stream, events, 0n);
    await append(stream, testEvents(1));
    expect(await append(stream, events, 0n)).toEqual(original);
    expect(await collect(client.readStream(stream))).toHaveLength(4);
  });

  it('a retry whose first event matches but a later one does not is a wrong expected version', async () => {
    const stream = uniqueStream();
    const events = testEvents(2);
    await append(stream, events, NO_STREAM);
    await wrongExpectedVersion(append(stream, [events[0], ...testEvents(1)], NO_STREAM));
  });

  it('refuses appends to a tombstoned stream with StreamDeletedError', async () => {
    const stream = uniqueStream();
    await append(stream, testEvents(1));
    await client.tombstoneStream(stream);
    const error = await append(stream, testEvents(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamDeletedError);
    expect((error as StreamDeletedError).streamName).toBe(stream);
  });

  it('refuses more than 1 MiB in one append with MaxAppendSizeExceededError', async () => {
    const stream = uniqueStream();
    const big = Array.from({ length: 3 }, () =>
      binaryEvent({ type: 'Big', data: new Uint8Array(400 * 1024) }),
    );
    const error = await client.appendToStream(stream, big, pathOptions).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaxAppendSizeExceededError);
    expect((error as MaxAppendSizeExceededError).maxAppendSize).toBe(1024 * 1024);
    await expect(collect(client.readStream(stream))).rejects.toThrow(/not found/);
  });

  it('accepts an empty append, checking the expected revision all the same', async () => {
    const stream = uniqueStream();
    await append(stream, testEvents(2));
    expect(await append(stream, [], 1n)).toMatchObject({ success: true, nextExpectedRevision: 1n });
    expect(await wrongExpectedVersion(append(stream, [], 0n))).toMatchObject({
      expectedVersion: 0n,
      actualVersion: 1n,
    });
    expect(await collect(client.readStream(stream))).toHaveLength(2);
  });

  it('keeps data, custom metadata and content type', async () => {
    const stream = uniqueStream();
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
    await client.appendToStream(
      stream,
      [
        jsonEvent({ type: 'Json', data: { nested: { a: [1, 2] } }, metadata: { correlationId: 'c-1' } }),
        binaryEvent({ type: 'Binary', data: bytes, metadata: bytes }),
      ],
      pathOptions,
    );
    const [json, binary] = await collect(client.readStream(stream));
    expect(json.event).toMatchObject({
      type: 'Json',
      isJson: true,
      data: { nested: { a: [1, 2] } },
      metadata: { correlationId: 'c-1' },
    });
    expect(binary.event).toMatchObject({ type: 'Binary', isJson: false });
    expect(Buffer.from(binary.event!.data as Uint8Array)).toEqual(Buffer.from(bytes));
    expect(Math.abs(json.event!.created.getTime() - Date.now())).toBeLessThan(60_000);
  });
});

describe('throwOnAppendFailure=false', () => {
  it('returns success: false instead of throwing', async () => {
    const lenient = clientFor(server, `${server.url}&throwOnAppendFailure=false`);
    const stream = uniqueStream();
    await lenient.appendToStream(stream, testEvents(2));
    const viaAppend = await lenient.appendToStream(stream, testEvents(1), {
      expectedRevision: NO_STREAM,
      credentials: { username: 'a', password: 'b' },
    });
    expect(viaAppend).toEqual({ success: false, nextExpectedRevision: 1n, position: undefined });
    expect(
      await lenient.appendToStream(stream, testEvents(1), { expectedRevision: NO_STREAM }),
    ).toMatchObject({ success: false });
  });
});

describe('BatchAppend under load', () => {
  it('answers 500 concurrent appends on one client, each with its own revision', async () => {
    const streams = Array.from({ length: 5 }, () => uniqueStream('load'));
    const appends = Array.from({ length: 500 }, (_, i) => ({
      stream: streams[i % 5],
      event: testEvents(1)[0],
    }));
    const results = await Promise.all(
      appends.map(({ stream, event }) => client.appendToStream(stream, event)),
    );

    for (const stream of streams) {
      const mine = appends.map((a, i) => ({ ...a, result: results[i] })).filter((a) => a.stream === stream);
      expect(mine.map((a) => Number(a.result.nextExpectedRevision)).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 100 }, (_, i) => i),
      );
      const stored = await collect(client.readStream(stream));
      for (const { event, result } of mine) {
        const at = stored[Number(result.nextExpectedRevision)].event!;
        expect(at.id).toBe(event.id);
        expect(at.position).toEqual(result.position);
      }
    }
  });
});
