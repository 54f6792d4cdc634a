import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repositoryRoot } from './repository-root';

const ROOT = repositoryRoot();
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface AppProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** Every line the process wrote to stdout and stderr (tests search them for leaked secrets). */
  readonly logs: string[];
  /** Resolves with the first parsed JSON log line that satisfies `match`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  readonly exited: Promise<number | null>;
}

/**
 * With `APP_CPU_PROF_DIR` set, every app the test helpers start writes a V8 CPU profile there when it exits
 * (`bench/profile-summary.ts` reads them): how the benchmarks are profiled. A process killed by SIGKILL writes none.
 */
export function profilingFlags(app: string): string[] {
  const dir = process.env.APP_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${app}.${Date.now()}.cpuprofile`] : [];
}

/**
 * Starts `dist/apps/<app>/src/<entry>.js` (built by the int/e2e global setup) as a child process. `nodeArgs` are
 * extra flags for node itself (e.g. `--cpu-prof`, which NODE_OPTIONS refuses).
 */
export function startApp(app: string, env: Record<string, string>, entry = 'main', nodeArgs: string[] = []): AppProcess {
  const profile = profilingFlags(app);
  const script = join(ROOT, 'dist', 'apps', app, 'src', `${entry}.js`);
  const child = spawn(process.execPath, ['--enable-source-maps', ...profile, ...nodeArgs, script], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const logs: string[] = [];
  const listeners = new Set<(line: Record<string, unknown>) => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      logs.push(line);
      if (process.env.E2E_VERBOSE) process.stderr.write(`[${app}] ${line}\n`);
      if (!line.startsWith('{')) return;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        for (const listener of listeners) listener(parsed);
      } catch {
        // not a log record
      }
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );

  const waitForLog = (match: (line: Record<string, unknown>) => boolean, timeoutMs = 30_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      for (const line of logs) {
        try {
          const parsed = line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : undefined;
          if (parsed && match(parsed)) return resolve(parsed);
        } catch {
          // not JSON
        }
      }
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`${app} did not log the expected line within ${timeoutMs} ms; its output:\n${logs.slice(-40).join('\n')}`));
      }, timeoutMs);
      const listener = (line: Record<string, unknown>) => {
        if (!match(line)) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(line);
      };
      listeners.add(listener);
      void exited.then((code) => {
        if (!listeners.has(listener)) return;
        clearTimeout(timer);
        listeners.delete(listener);
        reject(new Error(`${app} exited (${code}) before logging the expected line; its output:\n${logs.slice(-40).join('\n')}`));
      });
    });

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await exited;
  };
  return {
    name: app,
    pid: child.pid,
    logs,
    waitForLog,
    exited,
    kill,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
