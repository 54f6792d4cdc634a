import { randomUUID } from 'node:crypto';
import { connect, Socket } from 'node:net';
import {
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  RequiredMetadataPropertyMissingError,
  convertToCommandError as toClientError,
} from '@eventstore/db-client';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  DeleteReq,
  ReadReq,
  ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { Client, credentials, Metadata, ServiceError, status } from '@grpc/grpc-js';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { RunningEventStore, startEventStore } from '@libs/testing';
import { clientFor, collect, disposeAll, testEvents, uniqueStream } from './support';

let server: RunningEventStore;
let client: EventStoreDBClient;
let raw: StreamsClient;

beforeAll(async () => {
  server = await startEventStore({ memory: true });
  client = clientFor(server);
  raw = new StreamsClient(`127.0.0.1:${server.port}`, credentials.createInsecure());
});
afterEach(async () => {
  // Whatever a test threw at the server, it still serves normal traffic.
  const stream = uniqueStream('still-serving');
  await client.appendToStream(stream, testEvents(2));
  expect(await collect(client.readStream(stream))).toHaveLength(2);
});
afterAll(async () => {
  raw?.close();
  await disposeAll();
  await server?.stop();
});

const identifier = (name: string) => new StreamIdentifier().setStreamName(Buffer.from(name));
const stringId = (id: string) => new UUID().setString(id);

function proposed(
  options: { id?: UUID; type?: string; contentType?: string; data?: Uint8Array } = {},
): AppendReq.ProposedMessage {
  const message = new AppendReq.ProposedMessage().setData(options.data ?? Buffer.from('{}'));
  if (options.id !== null) message.setId(options.id ?? stringId(randomUUID()));
  if (options.type !== undefined) message.getMetadataMap().set('type', options.type);
  if (options.contentType !== undefined) message.getMetadataMap().set('content-type', options.contentType);
  return message;
}
const valid = () => proposed({ type: 'Valid', contentType: 'application/json' });

function appendOptions(stream = uniqueStream('raw')): AppendReq.Options {
  return new AppendReq.Options().setStreamIdentifier(identifier(stream)).setAny(new Empty());
}

/** Sends raw Append messages; resolves with the response or the error. */
function rawAppend(messages: AppendReq[]): Promise<{ error?: ServiceError; response?: AppendResp }> {
  return new Promise((resolve) => {
    const call = raw.append((error, response) => resolve(error ? { error } : { response }));
    for (const message of messages) call.write(message);
    call.end();
  });
}

const withOptions = (options: AppendReq.Options, ...events: AppendReq.ProposedMessage[]) => [
  new AppendReq().setOptions(options),
  ...events.map((event) => new AppendReq().setProposedMessage(event)),
];

/** Runs a raw Read and collects everything it sends until its status. */
function rawRead(request: ReadReq): Promise<{ messages: ReadResp[]; error?: ServiceError }> {
  return new Promise((resolve) => {
    const messages: ReadResp[] = [];
    const call = raw.read(request);
    call.on('data', (message: ReadResp) => messages.push(message));
    call.on('error', (error: ServiceError) => resolve({ messages, error }));
    call.on('end', () => resolve({ messages }));
  });
}

function readOptions(): ReadReq.Options {
  return new ReadReq.Options()
    .setStream(
      new ReadReq.Options.StreamOptions()
        .setStreamIdentifier(identifier(uniqueStream('r')))
        .setStart(new Empty()),
    )
    .setCount('10')
    .setNoFilter(new Empty())
    .setUuidOption(new ReadReq.Options.UUIDOption().setString(new Empty()));
}

describe('malformed appends', () => {
  it.each([
    [
      'no options first',
      [new AppendReq().setProposedMessage(proposed({ type: 'T', contentType: 'application/json' }))],
    ],
    ['options without a stream', [new AppendReq().setOptions(new AppendReq.Options().setAny(new Empty()))]],
    [
      'options with an empty stream name',
      [
        new AppendReq().setOptions(
          new AppendReq.Options().setStreamIdentifier(identifier('')).setAny(new Empty()),
        ),
      ],
    ],
    [
      'options without an expected revision',
      [new AppendReq().setOptions(new AppendReq.Options().setStreamIdentifier(identifier('s')))],
    ],
    [
      'a revision beyond any stream',
      withOptions(
        new AppendReq.Options().setStreamIdentifier(identifier('s')).setRevision('18446744073709551615'),
        valid(),
      ),
    ],
    ['an empty request stream', []],
    [
      'options twice',
      [new AppendReq().setOptions(appendOptions()), new AppendReq().setOptions(appendOptions())],
    ],
    [
      'an event id that is not a UUID',
      withOptions(
        appendOptions(),
        proposed({ id: stringId('not-a-uuid'), type: 'T', contentType: 'application/json' }),
      ),
    ],
    [
      'an event without an id',
      withOptions(appendOptions(), proposed({ id: new UUID(), type: 'T', contentType: 'application/json' })),
    ],
    [
      'the empty UUID',
      withOptions(
        appendOptions(),
        proposed({
          id: stringId('00000000-0000-0000-0000-000000000000'),
          type: 'T',
          contentType: 'application/json',
        }),
      ),
    ],
    [
      'an empty event type',
      withOptions(appendOptions(), proposed({ type: '', contentType: 'application/json' })),
    ],
  ])('refuses %s with INVALID_ARGUMENT', async (_name, messages) => {
    const { error } = await rawAppend(messages as AppendReq[]);
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
  });

  it.each([
    ['type', { contentType: 'application/json' }],
    ['content-type', { type: 'T' }],
  ])('refuses an event without %s as missing required metadata', async (missing, fields) => {
    const stream = uniqueStream('raw');
    const { error } = await rawAppend(withOptions(appendOptions(stream), valid(), proposed(fields)));
    const clientError = toClientError(error!);
    expect(clientError).toBeInstanceOf(RequiredMetadataPropertyMissingError);
    expect((clientError as RequiredMetadataPropertyMissingError).requiredMetadataProperties).toEqual([
      'type',
      'content-type',
    ]);
    expect(error!.details).toContain(missing);
    await expect(collect(client.readStream(stream))).rejects.toThrow(/not found/);
  });

  it('refuses one oversize event with maximum-append-size-exceeded', async () => {
    const { error } = await rawAppend(
      withOptions(
        appendOptions(),
        proposed({ type: 'T', contentType: 'application/octet-stream', data: Buffer.alloc(2 * 1024 * 1024) }),
      ),
    );
    expect(toClientError(error!)).toBeInstanceOf(MaxAppendSizeExceededError);
  });

  it('accepts structured and un-hyphenated UUIDs and stores the canonical form', async () => {
    const stream = uniqueStream('uuid');
    const id = randomUUID();
    const hex = id.replace(/-/g, '');
    const structured = new UUID().setStructured(
      new UUID.Structured()
        .setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString())
        .setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString()),
    );
    const second = randomUUID();
    const { response } = await rawAppend(
      withOptions(
        appendOptions(stream),
        proposed({ id: structured, type: 'T', contentType: 'application/json' }),
        proposed({ id: stringId(second.replace(/-/g, '').toUpperCase()), type: 'T', contentType: 'x' }),
      ),
    );
    expect(response?.hasSuccess()).toBe(true);
    const events = await collect(client.readStream(stream));
    expect(events.map((e) => e.event!.id)).toEqual([id, second]);
    // Content types are not kept: anything but application/json reads back as binary.
    expect(events[1].event!.isJson).toBe(false);
  });

  it('refuses a Delete without options or with an unset expected revision', async () => {
    for (const request of [
      new DeleteReq(),
      new DeleteReq().setOptions(new DeleteReq.Options().setStreamIdentifier(identifier('s'))),
    ]) {
      const error = await new Promise<ServiceError | null>((resolve) =>
        raw.delete(request, (e) => resolve(e)),
      );
      expect(error?.code).toBe(status.INVALID_ARGUMENT);
    }
  });
});

describe('malformed reads', () => {
  const mutate = (change: (options: ReadReq.Options) => void) => {
    const options = readOptions();
    change(options);
    return new ReadReq().setOptions(options);
  };
  const filter = () =>
    new ReadReq.Options.FilterOptions()
      .setStreamIdentifier(new ReadReq.Options.FilterOptions.Expression().setPrefixList(['x']))
      .setMax(32)
      .setCheckpointintervalmultiplier(1);
  const allSubscription = (options: ReadReq.Options) => {
    options.clearStream();
    return options
      .setAll(new ReadReq.Options.AllOptions().setStart(new Empty()))
      .setSubscription(new ReadReq.Options.SubscriptionOptions());
  };

  it.each([
    ['no options', new ReadReq()],
    ['no uuid option', mutate((o) => o.clearUuidOption())],
    ['no stream option', mutate((o) => o.clearStream())],
    ['no revision option', mutate((o) => o.getStream()!.clearStart())],
    ['no count option', mutate((o) => o.clearCount())],
    ['no filter option', mutate((o) => o.clearNoFilter())],
    ['an empty stream name', mutate((o) => o.getStream()!.setStreamIdentifier(identifier('')))],
    ['a filtered stream read', mutate((o) => o.setFilter(filter()))],
    [
      'a backwards subscription',
      mutate((o) =>
        o
          .setSubscription(new ReadReq.Options.SubscriptionOptions())
          .setReadDirection(ReadReq.Options.ReadDirection.BACKWARDS),
      ),
    ],
    [
      'a filter regex that does not compile',
      mutate((o) =>
        allSubscription(o).setFilter(
          filter().setStreamIdentifier(new ReadReq.Options.FilterOptions.Expression().setRegex('(')),
        ),
      ),
    ],
    [
      'a zero checkpoint multiplier',
      mutate((o) => allSubscription(o).setFilter(filter().setCheckpointintervalmultiplier(0))),
    ],
    ['a zero search window', mutate((o) => allSubscription(o).setFilter(filter().setMax(0)))],
  ])('refuses %s with INVALID_ARGUMENT', async (_name, request) => {
    const { error, messages } = await rawRead(request as ReadReq);
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(messages).toEqual([]);
  });

  it('answers an unknown stream with stream_not_found and an OK status', async () => {
    const { error, messages } = await rawRead(new ReadReq().setOptions(readOptions()));
    expect(error).toBeUndefined();
    expect(messages.map((m) => m.getContentCase())).toEqual([ReadResp.ContentCase.STREAM_NOT_FOUND]);
  });

  it('takes huge counts and revisions as "everything" and "beyond the end"', async () => {
    const stream = uniqueStream('huge');
    await client.appendToStream(stream, testEvents(3));
    const read = (revision: string, backwards: boolean) =>
      rawRead(
        mutate((o) =>
          o
            .setCount('18446744073709551615')
            .setReadDirection(
              backwards ? ReadReq.Options.ReadDirection.BACKWARDS : ReadReq.Options.ReadDirection.FORWARDS,
            )
            .setStream(
              new ReadReq.Options.StreamOptions()
                .setStreamIdentifier(identifier(stream))
                .setRevision(revision),
            ),
        ),
      );
    expect((await read('0', false)).messages).toHaveLength(3);
    expect((await read('18446744073709551615', false)).messages).toHaveLength(0);
    expect((await read('18446744073709551615', true)).messages).toHaveLength(3);
  });

  it('serves filtered $all reads, which the 6.2.1 client never sends but the server supports', async () => {
    const prefix = uniqueStream('filtered-read');
    await client.appendToStream(`${prefix}-a`, testEvents(3));
    await client.appendToStream(uniqueStream('noise'), testEvents(3));
    await client.appendToStream(`${prefix}-b`, testEvents(3));
    const streamFilter = new ReadReq.Options.FilterOptions()
      .setStreamIdentifier(new ReadReq.Options.FilterOptions.Expression().setPrefixList([prefix]))
      .setMax(32)
      .setCheckpointintervalmultiplier(1);
    const options = new ReadReq.Options()
      .setAll(new ReadReq.Options.AllOptions().setEnd(new Empty()))
      .setReadDirection(ReadReq.Options.ReadDirection.BACKWARDS)
      .setFilter(streamFilter)
      .setCount('4')
      .setUuidOption(new ReadReq.Options.UUIDOption().setString(new Empty()));
    const streams = (messages: ReadResp[]) =>
      messages.map((m) =>
        Buffer.from(m.getEvent()!.getEvent()!.getStreamIdentifier()!.getStreamName_asU8()).toString(),
      );
    // The last four matching events, newest first: noise in between does not count.
    const backwards = await rawRead(new ReadReq().setOptions(options));
    expect(streams(backwards.messages)).toEqual([`${prefix}-b`, `${prefix}-b`, `${prefix}-b`, `${prefix}-a`]);
  });

  it('answers structured ids when the string form is not asked for', async () => {
    const stream = uniqueStream('structured');
    await client.appendToStream(stream, testEvents(1));
    const { messages } = await rawRead(
      mutate((o) =>
        o
          .setStream(
            new ReadReq.Options.StreamOptions().setStreamIdentifier(identifier(stream)).setStart(new Empty()),
          )
          .setUuidOption(new ReadReq.Options.UUIDOption()),
      ),
    );
    expect(messages[0].getEvent()!.getEvent()!.getId()!.hasStructured()).toBe(true);
  });
});

describe('malformed batch appends', () => {
  function batch(requests: BatchAppendReq[]): Promise<BatchAppendResp[]> {
    return new Promise((resolve, reject) => {
      const responses: BatchAppendResp[] = [];
      const call = raw.batchAppend();
      call.on('data', (response: BatchAppendResp) => responses.push(response));
      call.on('error', reject);
      call.on('end', () => resolve(responses));
      for (const request of requests) call.write(request);
      call.end();
    });
  }
  const options = (stream: string) =>
    new BatchAppendReq.Options().setStreamIdentifier(identifier(stream)).setAny(new Empty());
  const message = (
    fields: { type?: string; contentType?: string; data?: Uint8Array } = {
      type: 'T',
      contentType: 'application/json',
    },
  ) => {
    const m = new BatchAppendReq.ProposedMessage()
      .setId(stringId(randomUUID()))
      .setData(fields.data ?? Buffer.from('{}'));
    if (fields.type !== undefined) m.getMetadataMap().set('type', fields.type);
    if (fields.contentType !== undefined) m.getMetadataMap().set('content-type', fields.contentType);
    return m;
  };
  const request = (
    correlation: UUID | undefined,
    opts: BatchAppendReq.Options | undefined,
    messages: BatchAppendReq.ProposedMessage[],
    isFinal = true,
  ) => {
    const r = new BatchAppendReq().setProposedMessagesList(messages).setIsFinal(isFinal);
    if (correlation) r.setCorrelationId(correlation);
    if (opts) r.setOptions(opts);
    return r;
  };
  const detailsType = (response: BatchAppendResp) => response.getError()?.getDetails()?.getTypeName();

  it('answers each broken append with its own error and keeps the stream going', async () => {
    const good = uniqueStream('batch-good');
    const ids = Array.from({ length: 6 }, () => stringId(randomUUID()));
    const responses = await batch([
      request(undefined, options(uniqueStream('b')), [message()]),
      request(ids[0], new BatchAppendReq.Options().setAny(new Empty()), [message()]),
      request(ids[1], options(uniqueStream('b')), [message({ contentType: 'application/json' })]),
      request(
        ids[2],
        options(uniqueStream('b')).setDeadline(Timestamp.fromDate(new Date(Date.now() - 1000))),
        [message()],
      ),
      request(ids[3], options(uniqueStream('b')), [
        message({ type: 'T', contentType: 'x', data: Buffer.alloc(1100 * 1024) }),
      ]),
      request(
        ids[4],
        new BatchAppendReq.Options()
          .setStreamIdentifier(identifier('s'))
          .setStreamPosition('18446744073709551615'),
        [message()],
      ),
      request(ids[5], options(good), [message(), message()]),
    ]);
    expect(responses.map(detailsType)).toEqual([
      'event_store.client.BadRequest',
      'event_store.client.BadRequest',
      'event_store.client.BadRequest',
      'event_store.client.Timeout',
      'event_store.client.MaximumAppendSizeExceeded',
      'event_store.client.BadRequest',
      undefined,
    ]);
    expect(responses[6].getSuccess()!.getCurrentRevision()).toBe('1');
    expect(responses.every((r) => r.hasStreamIdentifier())).toBe(true);
  });

  it('times out an append whose final chunk never comes', async () => {
    const id = stringId(randomUUID());
    const responses = await new Promise<BatchAppendResp[]>((resolve) => {
      const call = raw.batchAppend();
      const received: BatchAppendResp[] = [];
      call.on('data', (response: BatchAppendResp) => {
        received.push(response);
        call.end();
      });
      call.on('end', () => resolve(received));
      call.write(request(id, options(uniqueStream('b')), [message()], false));
    });
    expect(responses.map(detailsType)).toEqual(['event_store.client.Timeout']);
  }, 10_000);
});

describe('things that are not gRPC for this server', () => {
  it('answers unknown services and undecodable messages with a status', async () => {
    const generic = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure());
    const call = (path: string, payload: Buffer) =>
      new Promise<ServiceError | null>((resolve) =>
        generic.makeUnaryRequest(
          path,
          (b: Buffer) => b,
          (b: Buffer) => b,
          payload,
          new Metadata(),
          (error) => resolve(error),
        ),
      );
    expect(
      (
        await call(
          '/event_store.client.persistent_subscriptions.PersistentSubscriptions/Create',
          Buffer.alloc(0),
        )
      )?.code,
    ).toBe(status.UNIMPLEMENTED);
    expect(
      (
        await call(
          '/event_store.client.streams.Streams/Delete',
          Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]),
        )
      )?.code,
    ).toBe(status.INTERNAL);
    generic.close();
  });

  it('survives garbage bytes and plain HTTP on its port', async () => {
    for (const payload of [
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
    ]) {
      await new Promise<void>((resolve) => {
        const socket = connect(server.port, '127.0.0.1', () => socket.end(payload));
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.resume();
      });
    }
  });

  it('keeps serving while half-open connections sit idle', async () => {
    const sockets: Socket[] = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) =>
          new Promise<Socket>((resolve) => {
            const socket = connect(server.port, '127.0.0.1', () => {
              // Half of them stop in the middle of the HTTP/2 preface.
              if (i % 2 === 0) socket.write('PRI * HTTP/2.0\r\n');
              resolve(socket);
            });
            socket.on('error', () => undefined);
          }),
      ),
    );
    const stream = uniqueStream('half-open');
    await client.appendToStream(stream, testEvents(1));
    expect(await collect(client.readStream(stream))).toHaveLength(1);
    for (const socket of sockets) socket.destroy();
  });
});
