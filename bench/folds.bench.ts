/**
 * `npm run bench:folds`: what folding a service's placement stream costs as the service grows. A deploy of n
 * instances appends about three placement events per instance (placed, `starting`, `running`), and every event
 * is folded by the reconciler (passes and report batches) through `placementDecider.evolve`; between events,
 * passes read every instance a few times. If folding copied the instances for each event, the cost per event
 * would grow with n (quadratic per deploy); with the persistent map it stays about flat.
 *
 * Baseline, measured in the same run: the same number of `set`s on one mutable `Map` (no state kept per event),
 * the least any fold can cost.
 */
import { cpus } from 'node:os';
import { initialPlacement, PlacementEvent, PlacementState, placementDecider } from '@libs/domain';

const SIZES = [100, 500, 2_000, 5_000];
/** Reads of every instance between events, as a pass's planning does (jobs, deploy progress, spread). */
const READS_PER_PASS = 6;
/** A pass every this many events (bench:scale: ~36 placement events per pass at 200 instances per service). */
const EVENTS_PER_PASS = 30;

function events(n: number): PlacementEvent[] {
  const at = '2026-11-22T00:00:00.000Z';
  const out: PlacementEvent[] = [];
  for (let i = 1; i <= n; i++)
    out.push({
      type: 'InstancePlaced',
      data: {
        instance_number: i,
        node: `g/node-${i % 250}`,
        node_name: `node-${i % 250}`,
        deploy_rev: 'd1',
        desired_state: 'running',
        pod: { image_name: 'bench/hollow:1', instance_number: i },
        at,
      },
    });
  for (const state of ['starting', 'running'] as const)
    for (let i = 1; i <= n; i++)
      out.push({
        type: 'InstanceStateReported',
        data: {
          instance_number: i,
          node: `g/node-${i % 250}`,
          node_name: `node-${i % 250}`,
          deploy_rev: 'd1',
          state,
          error: null,
          exit_code: null,
          health: null,
          ports: [],
          reported_at: at,
        },
      });
  return out;
}

function fold(stream: readonly PlacementEvent[]): number {
  let state: PlacementState = initialPlacement;
  let seen = 0;
  stream.forEach((event, k) => {
    state = placementDecider.evolve(state, event);
    if (k % EVENTS_PER_PASS === 0)
      for (let r = 0; r < READS_PER_PASS; r++)
        for (const instance of state.instances.values()) seen += instance.generation;
  });
  return seen + state.instances.size;
}

function baseline(stream: readonly PlacementEvent[]): number {
  const map = new Map<number, PlacementEvent>();
  let seen = 0;
  stream.forEach((event, k) => {
    map.set((event.data as { instance_number: number }).instance_number, event);
    if (k % EVENTS_PER_PASS === 0)
      for (let r = 0; r < READS_PER_PASS; r++) for (const e of map.values()) seen += e.type.length;
  });
  return seen + map.size;
}

/** Median microseconds per event over `runs`. */
function measure(work: () => number, count: number, runs = 7): number {
  for (let w = 0; w < 3; w++) work(); // warm up the JIT
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    work();
    times.push(((performance.now() - started) * 1000) / count);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

process.stdout.write(
  `bench:folds on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`,
);
process.stdout.write(
  `a pass reads every instance ${READS_PER_PASS} times every ${EVENTS_PER_PASS} events\n\n` +
    '| instances | events | fold, µs per event | baseline (one mutable Map), µs per event | ratio |\n|---:|---:|---:|---:|---:|\n',
);
for (const n of SIZES) {
  const stream = events(n);
  const folded = measure(() => fold(stream), stream.length);
  const floor = measure(() => baseline(stream), stream.length);
  process.stdout.write(
    `| ${n} | ${stream.length} | ${folded.toFixed(2)} | ${floor.toFixed(2)} | ${(folded / floor).toFixed(1)}× |\n`,
  );
}
