// Scheduler throughput: 20 services × 500 instances onto 500 nodes in 3 zones (labels, affinities, node
// ports, stateful pinning, daemons), scheduled one service after another as the reconciler does.
//
//   npm run build && node dist/bench/scheduler.bench.js [--nodes 500] [--services 20] [--instances 500] [--runs 7]

import { buildSchedulerWorkload, scheduleWorkload, seededRng } from '@libs/scheduler';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const nodes = arg('nodes', 500);
const services = arg('services', 20);
const instances = arg('instances', 500);
const runs = arg('runs', 7);

const workload = buildSchedulerWorkload({ nodes, services, instancesPerService: instances, zones: 3 });

// Warm up the JIT, then time whole workloads.
const warm = scheduleWorkload(workload, seededRng(0));
const rates: number[] = [];
for (let r = 1; r <= runs; r++) {
  const started = performance.now();
  const outcome = scheduleWorkload(workload, seededRng(r));
  const seconds = (performance.now() - started) / 1000;
  rates.push(outcome.placements / seconds);
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];

console.log(
  `scheduler: ${services} services, ${nodes} nodes, ${warm.placements} placements per run, ${warm.failures.length} failed services`,
);
for (const f of warm.failures)
  console.log(`  ${f.service} halted at instance ${f.instanceNumber}: ${f.reason}`);
console.log(
  `placements/s: median ${Math.round(median)} (min ${Math.round(rates[0])}, max ${Math.round(rates[rates.length - 1])}) over ${runs} runs`,
);
console.log(`time per run: ${((warm.placements / median) * 1000).toFixed(1)} ms`);
