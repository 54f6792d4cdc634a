import { EventStoreDBClient, ResolvedEvent } from '@eventstore/db-client';
import { RunningEventStore, startEventStore } from '@libs/testing';
import { collect, testEvents } from './support';

/** An append whose outcome the writer learnt: acknowledged, or unknown because the server died. */
interface Attempt {
  readonly stream: string;
  readonly ids: readonly string[];
  readonly outcome: { acknowledged: true; revision: bigint; commit: bigint } | { acknowledged: false };
}

const STREAMS = ['durable-a', 'durable-b', 'durable-c', 'durable-d'];
const WRITERS = 6;
const CYCLES = 20;

/** Keeps appending (single- and multi-event, several streams) until `stop` or the server dies. */
async function writeUntilStopped(
  client: EventStoreDBClient,
  writer: number,
  attempts: Attempt[],
  stop: { now: boolean },
): Promise<void> {
  for (let n = 0; !stop.now; n++) {
    const stream = STREAMS[(writer + n) % STREAMS.length];
    const events = testEvents(n % 3 === 0 ? 1 + (n % 5) : 1);
    const ids = events.map((e) => e.id);
    try {
      const result = await client.appendToStream(stream, events);
      attempts.push({
        stream,
        ids,
        outcome: {
          acknowledged: true,
          revision: result.nextExpectedRevision,
          commit: result.position!.commit,
        },
      });
    } catch {
      attempts.push({ stream, ids, outcome: { acknowledged: false } });
      return;
    }
  }
}

function index(events: ResolvedEvent[]): Map<string, { stream: string; revision: bigint; commit: bigint }> {
  return new Map(
    events.map((e) => [
      e.event!.id,
      { stream: e.event!.streamId, revision: e.event!.revision, commit: e.event!.position!.commit },
    ]),
  );
}

describe('durability', () => {
  let server: RunningEventStore;
  afterEach(() => server?.stop());

  it(`keeps every acknowledged append and never a partial one across ${CYCLES} kill -9 restarts`, async () => {
    server = await startEventStore();
    const attempts: Attempt[] = [];
    let previousEnd = -1n;

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const client = EventStoreDBClient.connectionString(server.url);
      const stop = { now: false };
      const writers = Array.from({ length: WRITERS }, (_, writer) =>
        writeUntilStopped(client, writer, attempts, stop),
      );
      await new Promise((resolve) => setTimeout(resolve, 80 + Math.random() * 150));
      await server.kill('SIGKILL');
      stop.now = true;
      await Promise.all(writers);
      await client.dispose();
      await server.restart();

      // After each restart, new writes continue the log: positions beyond everything before.
      const check = EventStoreDBClient.connectionString(server.url);
      const fresh = await check.appendToStream(`durable-cycle-${cycle}`, testEvents(1));
      expect(fresh.position!.commit).toBeGreaterThan(previousEnd);
      previousEnd = fresh.position!.commit;
      await check.dispose();
    }

    const client = EventStoreDBClient.connectionString(server.url);
    const all = await collect(client.readAll());
    const stored = index(all);
    const acknowledged = attempts.filter((a) => a.outcome.acknowledged);
    expect(acknowledged.length).toBeGreaterThan(CYCLES * 5);
    // Every kill caught appends in flight, so the all-or-nothing check below has work to do.
    expect(attempts.length - acknowledged.length).toBeGreaterThanOrEqual(CYCLES);

    for (const attempt of attempts) {
      const found = attempt.ids.map((id) => stored.get(id));
      if (attempt.outcome.acknowledged) {
        // Every event of an acknowledged append is there, in order, ending at the acknowledged revision and position.
        const { revision, commit } = attempt.outcome;
        expect(found.map((f) => f?.revision)).toEqual(
          attempt.ids.map((_, i) => revision - BigInt(attempt.ids.length - 1 - i)),
        );
        expect(found.every((f) => f?.stream === attempt.stream)).toBe(true);
        expect(found[found.length - 1]!.commit).toBe(commit);
      } else {
        // An append that was never acknowledged is either wholly there or wholly absent.
        expect([0, attempt.ids.length]).toContain(found.filter(Boolean).length);
      }
    }

    // Revisions are gap-free and positions strictly increase across every restart.
    for (const stream of STREAMS) {
      const revisions = (await collect(client.readStream(stream))).map((e) => Number(e.event!.revision));
      expect(revisions).toEqual(revisions.map((_, i) => i));
    }
    for (let i = 1; i < all.length; i++)
      expect(all[i].event!.position!.commit).toBeGreaterThan(all[i - 1].event!.position!.commit);
    expect(all.filter((e) => e.event!.streamId === '$epoch-information')).toHaveLength(CYCLES + 1);
    await client.dispose();
  }, 120_000);

  it('stops cleanly on SIGTERM: exit code 0 and every acknowledged append kept', async () => {
    server = await startEventStore();
    const client = EventStoreDBClient.connectionString(server.url);
    const attempts: Attempt[] = [];
    const stop = { now: false };
    const writers = Array.from({ length: WRITERS }, (_, writer) =>
      writeUntilStopped(client, writer, attempts, stop),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    await server.kill('SIGTERM');
    expect(server.lastExit()).toEqual({ code: 0, signal: null });
    stop.now = true;
    await Promise.all(writers);
    await client.dispose();
    expect(server.logs().some((line) => line.includes('"msg":"stopped"'))).toBe(true);

    await server.restart();
    const reader = EventStoreDBClient.connectionString(server.url);
    const stored = index(await collect(reader.readAll()));
    const acknowledged = attempts.filter((a) => a.outcome.acknowledged);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const attempt of acknowledged) expect(attempt.ids.every((id) => stored.has(id))).toBe(true);
    await reader.dispose();
  }, 30_000);
});
