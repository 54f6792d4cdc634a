/**
 * `npm run bench:eventstore`: the embedded event store against its ceiling on this machine.
 *
 * The server runs as a child process with file storage (the product's default) and is driven by
 * the real `@eventstore/db-client`. Each figure is compared with a ceiling measured in the same
 * run: the same rows written straight into SQLite through better-sqlite3 with the same durability
 * (WAL, synchronous=FULL), grouped the way a perfect group commit would group them, and for reads
 * the raw SQLite row iteration rate over the very same log.
 *
 * Besides wall-clock rates it reports CPU time per operation in the server and in the client
 * process, which stays meaningful when other work shares the machine, and how many appends the
 * server's group commit put in each transaction. BENCH_EVENTS and BENCH_SECONDS shrink a run.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient, jsonEvent, START } from '@eventstore/db-client';
import { RunningEventStore, startEventStore } from '@libs/testing';
import {
  credentials,
  makeGenericClientConstructor,
  Server,
  ServerCredentials,
  ServerWritableStream,
} from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import { DATABASE_FILE, openForWriting } from '../apps/eventstore/src/storage/schema';

const LOG_SIZE = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

interface Measurement {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly ceiling?: number;
  readonly target?: string;
  /** Server and client CPU time per operation, µs. */
  readonly cpu?: { readonly server: number; readonly client: number };
  readonly note?: string;
}

const results: Measurement[] = [];
const payload = {
  kind: 'ServiceScaled',
  grid: 'my-grid',
  service: 'my-grid/null/web',
  instances: 3,
  actor: 'admin@example.com',
};
const event = () => jsonEvent({ type: 'ServiceScaled', data: payload });

function report(measurement: Measurement): void {
  results.push(measurement);
  const ratio = measurement.ceiling
    ? ` = ${percent(measurement.value, measurement.ceiling)} of ceiling ${fmt(measurement.ceiling)}`
    : '';
  const cpu = measurement.cpu
    ? `; CPU/op server ${measurement.cpu.server.toFixed(0)} µs, client ${measurement.cpu.client.toFixed(0)} µs`
    : '';
  console.log(
    `${measurement.name}: ${fmt(measurement.value)} ${measurement.unit}${ratio}${cpu}${measurement.note ? ` (${measurement.note})` : ''}`,
  );
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const percent = (value: number, of: number) => `${((value / of) * 100).toFixed(0)}%`;
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

/** CPU time (µs) the server process used so far, all threads. */
function serverCpu(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

function clientCpu(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** Runs `work`, returning its result with the CPU both processes spent on it. */
async function withCpu<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; server: number; client: number }> {
  const [server, client] = [serverCpu(pid), clientCpu()];
  const result = await work();
  return { result, server: serverCpu(pid) - server, client: clientCpu() - client };
}

/** Runs `operation` from `concurrency` loops for `SECONDS`; returns how many completed and how long it took. */
async function repeat(
  concurrency: number,
  operation: (worker: number) => Promise<unknown>,
): Promise<{ count: number; perSecond: number }> {
  let count = 0;
  const until = Date.now() + SECONDS * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (Date.now() < until) {
        await operation(worker);
        count += 1;
      }
    }),
  );
  return { count, perSecond: count / seconds(started) };
}

/** Samples the server's resident memory while `work` runs; returns the peak in MB. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  let peak = 0;
  const sample = () => {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match) peak = Math.max(peak, Number(match[1]) / 1024);
  };
  const timer = setInterval(sample, 50);
  try {
    const result = await work();
    sample();
    return { result, peakMb: peak };
  } finally {
    clearInterval(timer);
  }
}

/** The ceiling for writes: the same rows, one transaction per group, straight into SQLite. */
function sqliteWriteCeiling(eventsPerAppend: number, appendsPerTransaction: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ceiling-'));
  try {
    const db = openForWriting(join(dir, DATABASE_FILE));
    const insert = db.prepare(
      'INSERT INTO events (position, stream, revision, event_id, type, is_json, created, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const data = Buffer.from(JSON.stringify(payload));
    const empty = Buffer.alloc(0);
    let position = 0;
    const revisions = new Map<string, number>();
    const transaction = db.transaction(() => {
      for (let a = 0; a < appendsPerTransaction; a++) {
        const stream = `bench-${a % 64}`;
        for (let e = 0; e < eventsPerAppend; e++) {
          const revision = (revisions.get(stream) ?? -1) + 1;
          revisions.set(stream, revision);
          insert.run(
            (position += 200),
            stream,
            revision,
            randomUUID(),
            'ServiceScaled',
            1,
            Date.now() * 1000,
            data,
            empty,
          );
        }
      }
    });
    let appends = 0;
    const started = process.hrtime.bigint();
    const until = Date.now() + SECONDS * 1000;
    while (Date.now() < until) {
      transaction();
      appends += appendsPerTransaction;
    }
    const rate = appends / seconds(started);
    db.close();
    return rate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ceiling for reads: iterating the server's own log rows in position order. */
function sqliteReadCeiling(file: string): number {
  const db = new Database(file, { readonly: true });
  const started = process.hrtime.bigint();
  let rows = 0;
  const all = db.prepare(
    'SELECT position, stream, revision, event_id, type, is_json, created, data, metadata FROM events ORDER BY position',
  );
  for (const _ of all.raw().iterate()) rows += 1;
  db.close();
  return rows / seconds(started);
}

/** Group commit as the server saw it: appends per SQLite transaction, from its shutdown log line. */
function commandsPerTransaction(server: RunningEventStore): number | undefined {
  const line = server.logs().find((l) => l.includes('"storage closed"'));
  return line ? (JSON.parse(line) as { commandsPerTransaction: number }).commandsPerTransaction : undefined;
}

/** One append phase on a fresh server, so its group-commit figures are its own. */
async function appendPhase(
  name: string,
  concurrency: number,
  eventsPerAppend: number,
  ceiling: number,
  target?: string,
): Promise<void> {
  const server = await startEventStore({ env: { LOG_LEVEL: 'info' } });
  const client = EventStoreDBClient.connectionString(server.url);
  await client.appendToStream('warm-up', [event()]);
  const {
    result,
    server: serverUs,
    client: clientUs,
  } = await withCpu(server.pid!, () =>
    repeat(concurrency, (worker) =>
      client.appendToStream(`${name}-${worker}`, Array.from({ length: eventsPerAppend }, event)),
    ),
  );
  await client.dispose();
  await server.kill('SIGTERM');
  const grouping = commandsPerTransaction(server);
  await server.stop();
  const perEvent = eventsPerAppend > 1;
  report({
    name,
    unit: perEvent ? 'events/s' : 'appends/s',
    value: result.perSecond * eventsPerAppend,
    ceiling: ceiling * eventsPerAppend,
    ...(target && { target }),
    cpu: { server: serverUs / result.count, client: clientUs / result.count },
    ...(grouping !== undefined && { note: `${grouping} appends per transaction` }),
  });
}

/**
 * What grpc-js alone costs: a bare server streaming pre-serialized 260-byte messages (the size of
 * a benchmark event on the wire) from its own process to a bare client, no storage, no protobuf.
 */
const FLOOR_SERVICE = {
  stream: {
    path: '/bench.Floor/Stream',
    requestStream: false,
    responseStream: true,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};
const FLOOR_MESSAGES = 300_000;

function serveGrpcFloor(): void {
  const server = new Server();
  const message = Buffer.alloc(260, 7);
  server.addService(FLOOR_SERVICE, {
    stream: async (call: ServerWritableStream<Buffer, Buffer>) => {
      for (let i = 0; i < FLOOR_MESSAGES; i++)
        if (!call.write(message)) await new Promise((resolve) => call.once('drain', resolve));
      call.end();
    },
  });
  server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (_error, port) => process.send?.(port));
}

async function grpcFloor(): Promise<Measurement> {
  const child = fork(__filename, ['--grpc-floor-server']);
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)));
  const Client = makeGenericClientConstructor(FLOOR_SERVICE, 'Floor');
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const {
    result,
    server,
    client: clientUs,
  } = await withCpu(child.pid!, () =>
    timed(
      new Promise<number>((resolve, reject) => {
        let count = 0;
        const call = (client as unknown as { stream(request: Buffer): NodeJS.ReadableStream }).stream(
          Buffer.alloc(0),
        );
        call.on('data', () => (count += 1));
        call.on('error', reject);
        call.on('end', () => resolve(count));
      }),
    ),
  );
  client.close();
  child.kill();
  return {
    name: 'for comparison: bare grpc-js streaming pre-serialized messages',
    unit: 'messages/s',
    value: result.perSecond,
    cpu: { server: server / result.count, client: clientUs / result.count },
  };
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0];
  console.log(`load average before: ${loadBefore.toFixed(2)}`);

  await appendPhase('appends, 1 event each, concurrency 1', 1, 1, sqliteWriteCeiling(1, 1));
  await appendPhase(
    'appends, 1 event each, concurrency 64',
    64,
    1,
    sqliteWriteCeiling(1, 64),
    '≥ 50% of ceiling',
  );
  await appendPhase('appends, 100 events each, concurrency 1', 1, 100, sqliteWriteCeiling(100, 1));

  const server = await startEventStore({ env: { LOG_LEVEL: 'warn' } });
  const client = EventStoreDBClient.connectionString(server.url);
  try {
    const fillStarted = process.hrtime.bigint();
    const appends = Math.ceil(LOG_SIZE / 100);
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let i = worker; i < appends; i += 8)
          await client.appendToStream(`fill-${i % 800}`, Array.from({ length: 100 }, event));
      }),
    );
    console.log(
      `filled the log with ${(appends * 100).toLocaleString('en-US')} events in ${seconds(fillStarted).toFixed(1)} s`,
    );
    const readCeiling = sqliteReadCeiling(join(server.dataDir!, DATABASE_FILE));

    global.gc?.();
    const read = await peakRss(server.pid!, () => withCpu(server.pid!, () => timed(readAll(client))));
    report({
      name: `readAll over ${read.result.result.count.toLocaleString('en-US')} events`,
      unit: 'events/s',
      value: read.result.result.perSecond,
      ceiling: readCeiling,
      target: '≥ 100,000 events/s',
      cpu: {
        server: read.result.server / read.result.result.count,
        client: read.result.client / read.result.result.count,
      },
    });
    report({ name: 'server RSS during readAll (peak)', unit: 'MB', value: read.peakMb, target: '< 300 MB' });

    global.gc?.();
    const catchUp = await peakRss(server.pid!, () =>
      withCpu(server.pid!, () => timed(catchUpFromStart(client))),
    );
    report({
      name: `catch-up subscription over ${catchUp.result.result.count.toLocaleString('en-US')} events`,
      unit: 'events/s',
      value: catchUp.result.result.perSecond,
      ceiling: readCeiling,
      target: '≥ 50,000 events/s',
      cpu: {
        server: catchUp.result.server / catchUp.result.result.count,
        client: catchUp.result.client / catchUp.result.result.count,
      },
    });
    report({
      name: 'server RSS during catch-up (peak)',
      unit: 'MB',
      value: catchUp.peakMb,
      target: '< 300 MB',
    });
    report(await grpcFloor());
  } finally {
    await client.dispose();
    await server.stop();
  }
  const loadAfter = loadavg()[0];
  console.log(`load average after: ${loadAfter.toFixed(2)}`);
  printMarkdown(loadBefore, loadAfter);
}

async function timed(counting: Promise<number>): Promise<{ count: number; perSecond: number }> {
  const started = process.hrtime.bigint();
  const count = await counting;
  return { count, perSecond: count / seconds(started) };
}

/** Reads `$all` from the start, consuming events as they arrive (flowing mode). */
function readAll(client: EventStoreDBClient): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    client
      .readAll({ fromPosition: START })
      .on('data', () => (count += 1))
      .on('error', reject)
      .on('end', () => resolve(count));
  });
}

function catchUpFromStart(client: EventStoreDBClient): Promise<number> {
  return new Promise((resolve, reject) => {
    let count = 0;
    const subscription = client.subscribeToAll({ fromPosition: START });
    subscription.on('data', () => (count += 1));
    subscription.on('error', reject);
    subscription.on('caughtUp', () => void subscription.unsubscribe().then(() => resolve(count)));
  });
}

function printMarkdown(loadBefore: number, loadAfter: number): void {
  console.log(
    `\n| measurement | result | ceiling | ratio | CPU per op (server / client) | target |\n|---|---:|---:|---:|---:|---|`,
  );
  for (const r of results) {
    const ceiling = r.ceiling ? `${fmt(r.ceiling)} ${r.unit}` : '';
    const ratio = r.ceiling ? percent(r.value, r.ceiling) : '';
    const cpu = r.cpu ? `${r.cpu.server.toFixed(0)} µs / ${r.cpu.client.toFixed(0)} µs` : '';
    console.log(
      `| ${r.name}${r.note ? ` (${r.note})` : ''} | ${fmt(r.value)} ${r.unit} | ${ceiling} | ${ratio} | ${cpu} | ${r.target ?? ''} |`,
    );
  }
  console.log(`\nload average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`);
}

if (process.argv[2] === '--grpc-floor-server') {
  serveGrpcFloor();
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
