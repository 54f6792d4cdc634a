/**
 * `npm run bench:api` (issue 3): command throughput and latency through the whole write path (HTTP,
 * validation, decide, append, read-your-writes) for "create service" and "scale service" at concurrency
 * 1, 16 and 64, and the projection lag (append acknowledged → read model visible, from the api's
 * Server-Timing header). The ceiling, measured in the same run: the event store's own append rate for
 * one-event appends at the same concurrency through the same client library.
 */
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { cpus, freemem, totalmem } from 'node:os';
import { startSystem } from '@libs/testing';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = [1, 16, 64];

interface Figures {
  ops: number;
  seconds: number;
  latencies: number[];
  lags: number[];
  errors: number;
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/** Runs `work` from `concurrency` loops for `SECONDS`; each call returns its projection lag or undefined. */
async function measure(concurrency: number, work: (worker: number, n: number) => Promise<number | undefined | 'error'>): Promise<Figures> {
  const latencies: number[] = [];
  const lags: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t = performance.now();
        const result = await work(worker, n);
        latencies.push(performance.now() - t);
        if (result === 'error') errors++;
        else if (result !== undefined) lags.push(result);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { ops: latencies.length, seconds, latencies, lags, errors };
}

function projectionLag(serverTiming: string | null): number | undefined {
  const match = /projection;dur=([\d.]+)/.exec(serverTiming ?? '');
  return match ? Number(match[1]) : undefined;
}

async function main(): Promise<void> {
  process.stdout.write(`bench:api on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB (${(freemem() / 2 ** 30).toFixed(0)} free), node ${process.version}; ${SECONDS} s per measurement\n`);
  const system = await startSystem();
  const client = EventStoreDBClient.connectionString(system.eventStoreUrl);
  const api = system.admin;
  try {
    await api.post('/v1/grids', { name: 'bench' });
    const rows: string[] = [];
    const row = (name: string, c: number, f: Figures, ceiling?: number) => {
      const rate = f.ops / f.seconds;
      rows.push(
        `| ${name} | ${c} | ${rate.toFixed(0)}/s | ${percentile(f.latencies, 50).toFixed(1)} ms | ${percentile(f.latencies, 99).toFixed(1)} ms | ` +
          `${f.lags.length ? `${percentile(f.lags, 50).toFixed(1)} / ${percentile(f.lags, 99).toFixed(1)} ms` : ''} | ` +
          `${ceiling ? `${((rate / ceiling) * 100).toFixed(0)}%` : ''} | ${f.errors} |`,
      );
      process.stdout.write(`${rows[rows.length - 1]}\n`);
      return rate;
    };
    process.stdout.write('| measurement | concurrency | rate | p50 | p99 | projection lag p50 / p99 | of ceiling | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|\n');

    for (const concurrency of CONCURRENCY) {
      // Ceiling: one-event appends straight to the event store, each writer on its own stream.
      const ceiling = await measure(concurrency, async (worker, n) => {
        await client.appendToStream(`ceiling-${concurrency}-${worker}`, jsonEvent({ type: 'Measured', data: { worker, n, padding: 'x'.repeat(300) } }));
        return undefined;
      });
      const ceilingRate = row('event store append (ceiling)', concurrency, ceiling);

      const create = await measure(concurrency, async (worker, n) => {
        const answer = await api.post('/v1/grids/bench/services', { name: `c${concurrency}-w${worker}-n${n}`, image: 'redis:7', stateful: false, env: ['A=1'] }, { timeoutMs: 30_000 });
        return answer.status === 201 ? projectionLag(answer.headers.get('server-timing')) : 'error';
      });
      row('create service', concurrency, create, ceilingRate);

      // Each writer scales its own service, so the measurement is of the path, not of one stream's queue.
      for (let worker = 0; worker < concurrency; worker++) await api.post('/v1/grids/bench/services', { name: `s${concurrency}-w${worker}`, image: 'redis:7', stateful: false });
      const scale = await measure(concurrency, async (worker, n) => {
        const answer = await api.post(`/v1/services/bench/null/s${concurrency}-w${worker}/scale`, { instances: (n % 5) + 1 }, { timeoutMs: 30_000 });
        return answer.status === 200 ? projectionLag(answer.headers.get('server-timing')) : 'error';
      });
      row('scale service', concurrency, scale, ceilingRate);
    }
    process.stdout.write('\nTargets (issue 3): p99 under 50 ms at concurrency 64; projection lag p99 under 20 ms.\n');
  } finally {
    await client.dispose();
    await system.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:api failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
