import { randomUUID } from 'node:crypto';
import { ANY, exactRevision, NO_STREAM_EXPECTED, STREAM_EXISTS } from '../domain/expected-revision';
import { DELETED_STREAM } from '../domain/revisions';
import { LogReader } from './log-reader';
import type { ProposedEvent, WriteCommand } from './records';
import { openForWriting } from './schema';
import { StorageWriter } from './storage-writer';

const clock = () => 1_700_000_000_000_000;

function setup() {
  const db = openForWriting(':memory:');
  const writer = StorageWriter.open(db, { clock, adminPassword: 'changeit', instanceId: randomUUID() });
  const reader = new LogReader(db, clock);
  return { db, writer, reader };
}

const event = (type = 'Happened', id = randomUUID()): ProposedEvent => ({
  id,
  type,
  isJson: true,
  data: Buffer.from('{"n":1}'),
  metadata: new Uint8Array(0),
});
const append = (stream: string, events: ProposedEvent[], expected = ANY): WriteCommand => ({
  kind: 'append',
  stream,
  expected,
  events,
});

describe('StorageWriter', () => {
  it('records a fresh node start: an epoch and the default users', () => {
    const { reader } = setup();
    const streams = reader.readAllForward(0, 100).map((e) => `${e.stream}/${e.type}`);
    expect(streams).toEqual([
      '$epoch-information/$epoch-information',
      '$$$user-admin/$metadata',
      '$user-admin/$UserCreated',
      '$users/$User',
      '$$$user-ops/$metadata',
      '$user-ops/$UserCreated',
      '$users/$User',
    ]);
  });

  it('commits a group of appends in order, with strictly increasing, non-contiguous positions', () => {
    const { writer, reader } = setup();
    const batch = writer.commit([
      append('a', [event(), event()]),
      append('b', [event()]),
      append('a', [event()], exactRevision(1n)),
    ]);
    expect(batch.results.map((r) => r.kind === 'written' && r.currentRevision)).toEqual([1, 0, 2]);
    expect([...batch.streams].sort()).toEqual(['a', 'b']);
    const positions = reader.readAllForward(0, 100).map((e) => e.position);
    for (let i = 1; i < positions.length; i++) expect(positions[i] - positions[i - 1]).toBeGreaterThan(1);
    // A multi-event append answers with its last event's position.
    const a = reader.readStreamForward('a', 0, 10);
    expect(batch.results[0]).toEqual({ kind: 'written', currentRevision: 1, position: a[1].position });
  });

  it('answers a retried append with the original revision and position, writing nothing', () => {
    const { writer, reader } = setup();
    const events = [event(), event()];
    const first = writer.commit([append('s', events, NO_STREAM_EXPECTED)]).results[0];
    const retries = writer.commit([
      append('s', events, NO_STREAM_EXPECTED),
      append('s', events, ANY),
    ]).results;
    expect(retries).toEqual([first, first]);
    expect(reader.readStreamForward('s', 0, 10)).toHaveLength(2);
  });

  it('treats two identical appends in the same batch as one', () => {
    const { writer, reader } = setup();
    const events = [event()];
    const [one, two] = writer.commit([
      append('s', events, NO_STREAM_EXPECTED),
      append('s', events, NO_STREAM_EXPECTED),
    ]).results;
    expect(two).toEqual(one);
    expect(reader.readStreamForward('s', 0, 10)).toHaveLength(1);
  });

  it('soft-deletes with a $tb-only metadata event, and an append undeletes with revisions continuing', () => {
    const { writer, reader } = setup();
    writer.commit([
      append('s', [event()], ANY),
      append('$$s', [{ ...event('$metadata'), data: Buffer.from('{"$maxCount":10,"owner":"x"}') }]),
    ]);
    writer.commit([append('s', [event()])]);
    expect(
      writer.commit([{ kind: 'delete', stream: 's', expected: exactRevision(1n) }]).results[0].kind,
    ).toBe('written');
    expect(reader.view('s')).toEqual({ status: 'not_found' });
    expect(writer.commit([append('s', [event()], STREAM_EXISTS)]).results[0]).toEqual({
      kind: 'stream_deleted',
    });

    const undeleted = writer.commit([append('s', [event()], NO_STREAM_EXPECTED)]).results[0];
    expect(undeleted).toMatchObject({ kind: 'written', currentRevision: 2 });
    expect(reader.view('s')).toMatchObject({ status: 'found', lastRevision: 2, firstVisible: 2 });
    // The delete dropped the earlier metadata; only $tb is in force now.
    expect(JSON.parse(Buffer.from(reader.lastEvent('$$s')!.data).toString())).toEqual({ $tb: 2 });
  });

  it('refuses to delete a stream that has neither events nor metadata', () => {
    const { writer } = setup();
    expect(writer.commit([{ kind: 'delete', stream: 'nothing', expected: ANY }]).results[0]).toEqual({
      kind: 'wrong_expected_version',
      currentRevision: -1,
    });
  });

  it('tombstones forever', () => {
    const { writer, reader } = setup();
    writer.commit([append('s', [event()])]);
    writer.commit([{ kind: 'tombstone', stream: 's', expected: ANY }]);
    expect(reader.lastRevision('s')).toBe(DELETED_STREAM);
    expect(reader.view('s')).toEqual({ status: 'deleted' });
    for (const expected of [ANY, NO_STREAM_EXPECTED])
      expect(writer.commit([append('s', [event()], expected)]).results[0]).toEqual({
        kind: 'stream_deleted',
      });
  });

  it('fails a whole batch atomically and keeps its state as it was', () => {
    const { db, writer, reader } = setup();
    writer.commit([append('s', [event()])]);
    // Sabotage: occupy the revision the next append to "s" will take.
    db.prepare(
      "INSERT INTO events (position, stream, revision, event_id, type, is_json, created, data, metadata) VALUES (1e12, 's', 1, 'x', 't', 0, 0, x'', x'')",
    ).run();
    const failed = writer.commit([append('other', [event()]), append('s', [event()])]);
    expect(failed.results.every((r) => r.kind === 'failed')).toBe(true);
    expect(reader.view('other')).toEqual({ status: 'not_found' });
    db.prepare('DELETE FROM events WHERE position = 1e12').run();
    expect(writer.commit([append('s', [event()], exactRevision(0n))]).results[0]).toMatchObject({
      kind: 'written',
      currentRevision: 1,
    });
  });

  it('resumes revisions, positions and idempotency after a restart', () => {
    const { db, writer } = setup();
    const events = [event()];
    const first = writer.commit([append('s', events)]).results[0];
    const restarted = StorageWriter.open(db, { clock, adminPassword: 'changeit', instanceId: randomUUID() });
    expect(restarted.endOfLog).toBeGreaterThan(writer.endOfLog);
    expect(restarted.commit([append('s', events)]).results[0]).toEqual(first);
    expect(restarted.commit([append('s', [event()], exactRevision(0n))]).results[0]).toMatchObject({
      currentRevision: 1,
    });
  });
});
