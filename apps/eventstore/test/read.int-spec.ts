import {
  BACKWARDS,
  binaryEvent,
  END,
  EventStoreDBClient,
  jsonEvent,
  START,
  StreamNotFoundError,
} from '@eventstore/db-client';
import { RunningEventStore, startEventStore } from '@libs/testing';
import { clientFor, collect, disposeAll, nonSystem, testEvents, uniqueStream } from './support';

let server: RunningEventStore;
let client: EventStoreDBClient;
const stream = uniqueStream('read');

beforeAll(async () => {
  server = await startEventStore();
  client = clientFor(server);
  await client.appendToStream(stream, testEvents(10));
});
afterAll(async () => {
  await disposeAll();
  await server?.stop();
});

const revisions = (events: { event?: { revision: bigint } }[]) =>
  events.map((e) => Number(e.event!.revision));

describe('readStream (spec §3.2)', () => {
  it('reads forwards from the start', async () => {
    expect(revisions(await collect(client.readStream(stream)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads forwards from a revision, inclusive, up to maxCount', async () => {
    expect(revisions(await collect(client.readStream(stream, { fromRevision: 4n, maxCount: 3 })))).toEqual([
      4, 5, 6,
    ]);
  });

  it('reads backwards from the end and from a revision, inclusive', async () => {
    expect(
      revisions(
        await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 3 })),
      ),
    ).toEqual([9, 8, 7]);
    expect(
      revisions(await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: 2n }))),
    ).toEqual([2, 1, 0]);
    expect(
      revisions(await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: START }))),
    ).toEqual([0]);
  });

  it('reads nothing forwards from the end or beyond the last revision, without failing', async () => {
    expect(await collect(client.readStream(stream, { fromRevision: END }))).toEqual([]);
    expect(await collect(client.readStream(stream, { fromRevision: 1000n }))).toEqual([]);
    expect(
      revisions(
        await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: 1000n, maxCount: 1 })),
      ),
    ).toEqual([9]);
  });

  it('fails with StreamNotFoundError for a stream that does not exist', async () => {
    const missing = uniqueStream('missing');
    const error = await collect(client.readStream(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).streamName).toBe(missing);
  });

  it('carries ids, types, .NET-tick creation times and the event’s own position', async () => {
    const target = uniqueStream();
    const event = jsonEvent({ type: 'Checked', data: { ok: true } });
    const before = Date.now();
    const appended = await client.appendToStream(target, event);
    const [read] = await collect(client.readStream(target));
    expect(read.event).toMatchObject({
      id: event.id,
      type: 'Checked',
      streamId: target,
      revision: 0n,
      position: appended.position,
    });
    expect(read.event!.created.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(read.event!.created.getTime()).toBeLessThanOrEqual(Date.now() + 5);
  });

  it('resolves $> links when asked, and leaves them alone otherwise', async () => {
    const target = uniqueStream('target');
    const links = uniqueStream('links');
    await client.appendToStream(target, testEvents(2, 'Linked'));
    // Link payloads are plain text ("<revision>@<stream>"), as projections write them.
    await client.appendToStream(links, [
      binaryEvent({ type: '$>', data: Buffer.from(`1@${target}`) }),
      binaryEvent({ type: '$>', data: Buffer.from(`7@${target}`) }),
    ]);
    const raw = await collect(client.readStream(links));
    expect(raw.map((e) => e.event!.type)).toEqual(['$>', '$>']);
    const [resolved, dangling] = await collect(client.readStream(links, { resolveLinkTos: true }));
    expect(resolved.event).toMatchObject({ streamId: target, revision: 1n, type: 'Linked' });
    expect(resolved.link).toMatchObject({ streamId: links, revision: 0n, type: '$>' });
    expect(dangling.event).toBeUndefined();
    expect(dangling.link).toMatchObject({ revision: 1n });
  });
});

describe('readAll (spec §3.2)', () => {
  it('reads everything forwards, including the system events of a fresh node, with strictly increasing positions', async () => {
    const all = await collect(client.readAll());
    expect(all.filter(nonSystem).length).toBeGreaterThanOrEqual(10);
    expect(all[0].event!.streamId).toBe('$epoch-information');
    expect(all.map((e) => e.event!.streamId)).toEqual(
      expect.arrayContaining(['$users', '$user-admin', '$$$user-admin']),
    );
    for (let i = 1; i < all.length; i++)
      expect(all[i].event!.position!.commit).toBeGreaterThan(all[i - 1].event!.position!.commit);
    expect(all.every((e) => e.event!.position!.commit === e.event!.position!.prepare)).toBe(true);
  });

  it('reads forwards from a position inclusively and backwards from it exclusively', async () => {
    const all = await collect(client.readAll());
    const middle = all[5].event!.position!;
    const forwards = await collect(client.readAll({ fromPosition: middle, maxCount: 2 }));
    expect(forwards.map((e) => e.event!.position)).toEqual([all[5].event!.position, all[6].event!.position]);
    const backwards = await collect(
      client.readAll({ fromPosition: middle, direction: BACKWARDS, maxCount: 2 }),
    );
    expect(backwards.map((e) => e.event!.position)).toEqual([all[4].event!.position, all[3].event!.position]);
  });

  it('reads backwards from the end, newest first, and nothing forwards from the end', async () => {
    const marker = uniqueStream('last');
    await client.appendToStream(marker, testEvents(1));
    const [newest] = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    expect(newest.event!.streamId).toBe(marker);
    expect(await collect(client.readAll({ fromPosition: END }))).toEqual([]);
    expect(await collect(client.readAll({ fromPosition: START, direction: BACKWARDS }))).toEqual([]);
  });

  it('honours maxCount', async () => {
    expect(await collect(client.readAll({ maxCount: 4 }))).toHaveLength(4);
  });

  it('keeps events hidden by stream metadata visible in $all', async () => {
    const truncated = uniqueStream();
    await client.appendToStream(truncated, testEvents(3));
    await client.setStreamMetadata(truncated, { maxCount: 1 });
    expect(await collect(client.readStream(truncated))).toHaveLength(1);
    const inAll = (await collect(client.readAll())).filter((e) => e.event!.streamId === truncated);
    expect(inAll).toHaveLength(3);
  });
});
