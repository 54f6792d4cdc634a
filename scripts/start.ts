/**
 * `npm start`: runs the whole system on one machine with the embedded defaults, in one terminal, with
 * labelled logs; Ctrl-C stops everything cleanly (DESIGN.md §2).
 *
 * Order: the embedded event store (unless EVENTSTORE_URL names an external one), Redis (REDIS_URL;
 * a private redis-server is started when none answers and the binary exists), then the apps.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

interface AppSpec {
  name: string;
  entry: string;
  /** host:port that answers once the app is ready; later apps wait for it. */
  readyOn?: () => { host: string; port: number };
  env?: Record<string, string>;
}

// Compiled to dist/scripts/start.js: the repository is two levels up.
const root = resolve(__dirname, '..', '..');
const dist = join(root, 'dist');
const colours = [36, 35, 33, 32, 34, 31, 96, 95];
const children: { name: string; proc: ChildProcess }[] = [];
let stopping = false;

function label(name: string, index: number): string {
  const width = 11;
  const text = `[${name}]`.padEnd(width);
  return process.stdout.isTTY ? `\x1b[${colours[index % colours.length]}m${text}\x1b[0m` : text;
}

/** Renders a pino JSON line as `time LEVEL msg {rest}`; anything else passes through untouched. */
function render(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const { time, level, msg, app: _a, pid: _p, name: _n, hostname: _h, ...rest } = JSON.parse(line);
    const lvl = typeof level === 'number' ? levelName(level) : String(level ?? '').toUpperCase();
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    const at = typeof time === 'string' ? time.slice(11, 23) : '';
    return `${at} ${lvl.padEnd(5)} ${msg ?? ''}${extra}`;
  } catch {
    return line;
  }
}

function levelName(level: number): string {
  return level >= 60 ? 'FATAL' : level >= 50 ? 'ERROR' : level >= 40 ? 'WARN' : level >= 30 ? 'INFO' : level >= 20 ? 'DEBUG' : 'TRACE';
}

function pipe(stream: NodeJS.ReadableStream, prefix: string, out: NodeJS.WritableStream) {
  createInterface({ input: stream }).on('line', (line) => out.write(`${prefix} ${render(line)}\n`));
}

function waitForPort(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((done) => {
    const attempt = () => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => {
        socket.destroy();
        if (stopping || Date.now() > deadline) done(false);
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function launch(name: string, command: string, args: string[], index: number, env: NodeJS.ProcessEnv): ChildProcess {
  const proc = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = label(name, index);
  pipe(proc.stdout!, prefix, process.stdout);
  pipe(proc.stderr!, prefix, process.stderr);
  proc.on('exit', (code, signal) => {
    process.stdout.write(`${prefix} exited (${signal ?? code})\n`);
    if (!stopping) {
      process.stderr.write(`${prefix} stopped unexpectedly; stopping everything\n`);
      void stopAll(1);
    }
  });
  children.push({ name, proc });
  return proc;
}

async function stopAll(exitCode: number) {
  if (stopping) return;
  stopping = true;
  // Reverse start order: agents and controllers first, the event store last, so nothing loses its store mid-write.
  for (const { proc } of [...children].reverse()) {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          proc.kill('SIGKILL');
          done();
        }, 10_000);
        proc.once('exit', () => {
          clearTimeout(timer);
          done();
        });
      });
    }
  }
  process.exit(exitCode);
}

function parseHostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url.replace(/^esdb(\+discover)?:/, 'http:').replace(/^rediss?:/, 'http:'));
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || defaultPort) };
}

async function ensureRedis(url: string, index: number): Promise<void> {
  const { host, port } = parseHostPort(url, 6379);
  if (await waitForPort(host, port, 300)) return;
  const binary = spawnSync('sh', ['-c', 'command -v redis-server']).stdout.toString().trim();
  if (!binary) throw new Error(`nothing answers on ${url} and redis-server is not installed`);
  const dir = join(root, 'data', 'redis');
  mkdirSync(dir, { recursive: true });
  const args = ['--bind', host, '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction'];
  launch('redis', binary, args, index, process.env);
  if (!(await waitForPort(host, port, 10_000))) throw new Error(`redis-server did not start on ${host}:${port}`);
}

/**
 * The api seals secrets with a master key (DESIGN.md §7). Without VAULT_KEY, one is generated on the first
 * start and kept in data/vault/master-key (mode 600), so `npm start` needs no configuration.
 */
function vaultKey(env: NodeJS.ProcessEnv): string {
  if (env.VAULT_KEY) return env.VAULT_KEY;
  const file = join(root, 'data', 'vault', 'master-key');
  if (!existsSync(file)) {
    mkdirSync(join(root, 'data', 'vault'), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    process.stdout.write(`start: generated a vault master key in ${file} (set VAULT_KEY to use your own)\n`);
  }
  return readFileSync(file, 'utf8').trim();
}

async function main() {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const env: NodeJS.ProcessEnv = { ...process.env };
  const embeddedEventStore = !env.EVENTSTORE_URL;
  const esHost = env.EVENTSTORE_HOST ?? '127.0.0.1';
  const esPort = env.EVENTSTORE_PORT ?? '2113';
  if (embeddedEventStore) env.EVENTSTORE_URL = `esdb://${esHost}:${esPort}?tls=false`;
  env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  env.VAULT_KEY = vaultKey(env);

  const apps: AppSpec[] = [];
  if (embeddedEventStore) {
    apps.push({ name: 'eventstore', entry: 'apps/eventstore/src/main.js', readyOn: () => ({ host: esHost, port: Number(esPort) }) });
  }
  // The projector before the api, so the api's start-up writes (the initial admin) are visible at once.
  for (const name of ['projector', 'api', 'reconciler', 'agent']) {
    apps.push({ name, entry: `apps/${name}/src/main.js` });
  }

  let index = 0;
  let redisChecked = false;
  for (const spec of apps) {
    const entry = join(dist, spec.entry);
    if (!existsSync(entry)) continue; // apps that do not exist yet are skipped
    if (!redisChecked && spec.name !== 'eventstore') {
      await ensureRedis(env.REDIS_URL, index++);
      redisChecked = true;
    }
    launch(spec.name, process.execPath, ['--enable-source-maps', entry], index++, { ...env, ...spec.env });
    if (spec.readyOn) {
      const { host, port } = spec.readyOn();
      if (!(await waitForPort(host, port, 30_000))) {
        process.stderr.write(`${spec.name} did not listen on ${host}:${port} within 30 s\n`);
        return stopAll(1);
      }
    }
  }
  process.stdout.write(`all started (${children.map((c) => c.name).join(', ')}); Ctrl-C stops everything\n`);
}

main().catch((err) => {
  process.stderr.write(`start: ${err instanceof Error ? err.message : String(err)}\n`);
  void stopAll(1);
});
