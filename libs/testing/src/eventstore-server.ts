import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repositoryRoot } from './repository-root';
import { profilingFlags } from './app-process';

export interface StartEventStoreOptions {
  /** In-memory SQLite: fast, but nothing survives `restart()`. Default false (file storage, as the product runs). */
  readonly memory?: boolean;
  /** Use this data directory instead of a fresh temporary one (which `stop()` then leaves in place). */
  readonly dataDir?: string;
  /** Serve TLS with a throwaway CA and certificate made with `openssl`, and require basic auth. */
  readonly tls?: boolean;
  /** Extra environment for the server process (e.g. `LOG_LEVEL`, `EVENTSTORE_ADMIN_PASSWORD`). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the "listening" line. Default 30 s. */
  readonly startTimeoutMs?: number;
}

export interface EventStoreTls {
  readonly caFile: string;
  readonly rootCertificate: Buffer;
  readonly username: string;
  readonly password: string;
}

export interface RunningEventStore {
  /** Connection string for `EventStoreDBClient.connectionString` (no credentials in it). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Undefined for in-memory storage. */
  readonly dataDir: string | undefined;
  readonly tls: EventStoreTls | undefined;
  readonly pid: number | undefined;
  /** The server's recent stdout lines (pino JSON), for diagnostics and log assertions. */
  logs(): readonly string[];
  /** How the last server process ended, once it has. */
  lastExit(): { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined;
  /** SIGTERM and wait for a clean exit (SIGKILL after 10 s); removes a temporary data dir. */
  stop(): Promise<void>;
  /** Sends a signal (default SIGKILL) and waits for the process to exit; keeps the data for `restart()`. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same data and, if it is still free, the same port. */
  restart(): Promise<void>;
}

const LOG_LINES_KEPT = 2000;
const children = new Set<ChildProcess>();
const workDirs = new Set<string>();
let exitHookInstalled = false;

/**
 * Starts `dist/apps/eventstore/src/main.js` as a child process on a free port and resolves once it
 * logs that it listens. Integration tests build `dist/` first (jest globalSetup). Children are
 * killed when the test process exits, so a failed test never leaves a server behind.
 */
export async function startEventStore(options: StartEventStoreOptions = {}): Promise<RunningEventStore> {
  installExitHook();
  const entry = join(repositoryRoot(), 'dist', 'apps', 'eventstore', 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: run "npm run build" first`);

  const workDir = mkdtempSync(join(tmpdir(), 'eventstore-test-'));
  workDirs.add(workDir);
  const dataDir = options.memory ? undefined : (options.dataDir ?? join(workDir, 'data'));
  const tls = options.tls
    ? makeTls(workDir, options.env?.EVENTSTORE_ADMIN_PASSWORD ?? 'changeit')
    : undefined;
  const host = '127.0.0.1';
  let port = 0;
  let child: ChildProcess | undefined;
  let lines: string[] = [];
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  const launch = async (requestedPort: number): Promise<void> => {
    const env: NodeJS.ProcessEnv = {
      // The caller's own EVENTSTORE_* settings (say, an external store's TLS files) are not this server's.
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('EVENTSTORE_'))),
      LOG_LEVEL: 'info',
      ...options.env,
      EVENTSTORE_HOST: host,
      EVENTSTORE_PORT: String(requestedPort),
      EVENTSTORE_MEMORY: options.memory ? 'true' : 'false',
      ...(dataDir !== undefined && { EVENTSTORE_DATA_DIR: dataDir }),
      ...(tls && {
        EVENTSTORE_CERT_FILE: join(workDir, 'node.crt'),
        EVENTSTORE_KEY_FILE: join(workDir, 'node.key'),
        EVENTSTORE_CA_FILE: tls.caFile,
      }),
    };
    const started = await spawnServer(entry, env, options.startTimeoutMs ?? 30_000);
    exit = undefined;
    started.child.once('exit', (code, signal) => (exit = { code, signal }));
    child = started.child;
    lines = started.lines;
    port = started.port;
  };

  const waitForExit = (signal: NodeJS.Signals, timeoutMs: number): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => running.kill('SIGKILL'), timeoutMs);
      running.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      running.kill(signal);
    });
  };

  await launch(0);
  return {
    get url() {
      return tls
        ? `esdb://localhost:${port}?tls=true&tlsCAFile=${encodeURIComponent(tls.caFile)}`
        : `esdb://${host}:${port}?tls=false`;
    },
    host,
    get port() {
      return port;
    },
    dataDir,
    tls,
    get pid() {
      return child?.pid;
    },
    logs: () => lines,
    lastExit: () => exit,
    stop: async () => {
      await waitForExit('SIGTERM', 10_000);
      // The temporary directory holds the certificates and, unless one was given, the data.
      rmSync(workDir, { recursive: true, force: true });
      workDirs.delete(workDir);
    },
    kill: (signal = 'SIGKILL') => waitForExit(signal, 10_000),
    restart: async () => {
      await waitForExit('SIGTERM', 10_000);
      try {
        await launch(port);
      } catch {
        // Someone took the port in between; any free one will do.
        await launch(0);
      }
    },
  };
}

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  readonly lines: string[];
}

function spawnServer(entry: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Started> {
  // The IPC channel tells the server when this process dies, even by SIGKILL, so it stops too.
  const child = spawn(process.execPath, ['--enable-source-maps', ...profilingFlags('eventstore'), entry], {
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(
        new Error(
          `eventstore ${reason}\n--- stderr ---\n${stderr}\n--- stdout ---\n${lines.slice(-50).join('\n')}`,
        ),
      );
    };
    const timer = setTimeout(() => fail(`did not report listening within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before listening`));
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    // Always drain stdout: a full pipe would block the server's synchronous logging.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (lines.length > LOG_LINES_KEPT) lines.shift();
      const port = listeningPort(line);
      if (port !== undefined) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.once('exit', () => children.delete(child));
        resolve({ child, port, lines });
      }
    });
  });
}

function listeningPort(line: string): number | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const record = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return record.msg === 'listening' && typeof record.port === 'number' ? record.port : undefined;
  } catch {
    return undefined;
  }
}

/** A throwaway CA and a certificate for localhost/127.0.0.1 signed by it. */
function makeTls(dir: string, password: string): EventStoreTls {
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=kontena-es test CA',
  );
  openssl('req', ...ec, '-keyout', 'node.key', '-out', 'node.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'node.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'node.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'node.crt',
    '-days',
    '2',
    '-extfile',
    'node.ext',
  );
  const caFile = join(dir, 'ca.crt');
  return { caFile, rootCertificate: readFileSync(caFile), username: 'admin', password };
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test that forgot stop() (or failed before it) leaves neither servers nor data behind.
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL');
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  });
}
