/**
 * Summarises V8 CPU profiles (`.cpuprofile`, e.g. from `APP_CPU_PROF_DIR=/tmp/prof npm run bench:scale`): for each
 * profile, busy time by package (or by file of this project) and the functions with the most self time.
 *
 *   node dist/bench/profile-summary.js /tmp/prof [top]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  children?: number[];
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const IDLE = new Set(['(idle)', '(program)']);

/** Where a frame's code lives: an npm package, a file of ours, node's own code or V8's bookkeeping. */
function owner(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const ours = /\/dist\/(.+)$/.exec(url);
  return ours ? ours[1].replace(/\/[^/]+\.js$/, '') : url;
}

function summarise(file: string, top: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  /** The nearest frame of this project's own code at or above a node: who asked for the work. */
  const ourCaller = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { callFrame } = byId.get(at)!;
      if (/\/dist\/(apps|libs)\//.test(callFrame.url))
        return `${callFrame.functionName || '(anonymous)'} ${owner(callFrame.url, '')}:${callFrame.lineNumber + 1}`;
    }
    return '(no frame of ours)';
  };
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  const callers = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of self) {
    const { callFrame } = byId.get(id)!;
    if (IDLE.has(callFrame.functionName)) continue;
    busy += micros;
    const where = owner(callFrame.url, callFrame.functionName);
    packages.set(where, (packages.get(where) ?? 0) + micros);
    const fn = `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + micros);
    const caller = ourCaller(id);
    callers.set(caller, (callers.get(caller) ?? 0) + micros);
  }
  const wall = (profile.endTime - profile.startTime) / 1e6;
  const rows = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, micros]) => `  ${((micros / busy) * 100).toFixed(1).padStart(5)}%  ${(micros / 1e6).toFixed(2).padStart(7)} s  ${name}`)
      .join('\n');
  return [
    `${file}: ${(busy / 1e6).toFixed(1)} s busy of ${wall.toFixed(1)} s`,
    ' by package or module:',
    rows(packages),
    ' by function (self time):',
    rows(functions),
    ' by the nearest function of ours on the stack (its time and everything it called):',
    rows(callers),
  ].join('\n');
}

const [target, top = '15'] = process.argv.slice(2);
if (!target) {
  process.stderr.write('usage: node dist/bench/profile-summary.js <dir or .cpuprofile> [top]\n');
  process.exit(1);
}
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f))
  : [target];
for (const file of files) process.stdout.write(`${summarise(file, Number(top))}\n\n`);
