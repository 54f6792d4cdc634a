import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppProcess, startApp } from './app-process';
import { startEventStore } from './eventstore-server';
import { deletePrefix, testRedis, uniquePrefix } from './redis';

export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  token?: string | null;
  headers?: Record<string, string>;
  /** Send `body` as-is (a string) instead of JSON-encoding it. */
  raw?: boolean;
  timeoutMs?: number;
}

/** A small HTTP client for the running api. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    public token?: string,
  ) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const token = options.token === undefined ? this.token : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = options.raw ? String(options.body) : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    // A hung request is a failure with a message, never a hung test run.
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get = <T = any>(path: string, options?: RequestOptions) => this.request<T>('GET', path, options);
  post = <T = any>(path: string, body?: unknown, options?: RequestOptions) => this.request<T>('POST', path, { ...options, body: body ?? {} });
  put = <T = any>(path: string, body?: unknown, options?: RequestOptions) => this.request<T>('PUT', path, { ...options, body: body ?? {} });
  patch = <T = any>(path: string, body?: unknown, options?: RequestOptions) => this.request<T>('PATCH', path, { ...options, body: body ?? {} });
  delete = <T = any>(path: string, options?: RequestOptions) => this.request<T>('DELETE', path, options);

  /** A client for the same api with another token. */
  as(token: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }
}

export interface RunningSystem {
  api: ApiClient;
  /** Logged in as the initial admin (master_admin). */
  admin: ApiClient;
  adminCode: string;
  vaultKey: string;
  redisPrefix: string;
  eventStoreUrl: string;
  eventStoreDataDir: string;
  dataDir: string;
  apps: Map<string, AppProcess>;
  /** Environment every app of this system runs with. */
  env: Record<string, string>;
  startApp(name: 'api' | 'projector' | 'reconciler' | 'agent', extraEnv?: Record<string, string>, entry?: string, nodeArgs?: string[]): Promise<AppProcess>;
  /** Every log line of every app started so far. */
  logs(): string[];
  stop(): Promise<void>;
}

export interface SystemOptions {
  /** Apps to start after the event store; default api and projector. */
  apps?: ('api' | 'projector')[];
  env?: Record<string, string>;
  /** Keep the event store on disk (the default) or in memory. */
  memoryEventStore?: boolean;
}

/**
 * The running system for end-to-end tests: the embedded event store, the projector and the api as real
 * processes, on free ports, with a Redis key prefix no other test uses.
 */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kontena-e2e-'));
  const eventStore = await startEventStore({ memory: options.memoryEventStore ?? false, dataDir: join(dataDir, 'eventstore') });
  const redisPrefix = uniquePrefix('e2e');
  const adminCode = randomBytes(12).toString('hex');
  const vaultKey = randomBytes(32).toString('hex');
  const env: Record<string, string> = {
    EVENTSTORE_URL: eventStore.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: redisPrefix,
    VAULT_KEY: vaultKey,
    VAULT_KEYSTORE_PATH: join(dataDir, 'vault', 'keys.db'),
    INITIAL_ADMIN_CODE: adminCode,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    ...options.env,
  };
  const apps = new Map<string, AppProcess>();
  const system: RunningSystem = {
    api: new ApiClient(''),
    admin: new ApiClient(''),
    adminCode,
    vaultKey,
    redisPrefix,
    eventStoreUrl: eventStore.url,
    eventStoreDataDir: eventStore.dataDir ?? '',
    dataDir,
    apps,
    env,
    async startApp(name, extraEnv = {}, entry = 'main', nodeArgs = []) {
      const app = startApp(name, { ...env, ...extraEnv }, entry, nodeArgs);
      apps.set(name, app);
      if (name === 'api') {
        const listening = await app.waitForLog((line) => line.msg === 'api listening');
        const url = String(listening.url).replace('[::1]', '127.0.0.1');
        system.api = new ApiClient(url);
        system.admin = new ApiClient(url, system.admin.token);
      }
      if (name === 'projector') await app.waitForLog((line) => line.msg === 'projector started');
      return app;
    },
    logs: () => [...apps.values()].flatMap((app) => app.logs),
    async stop() {
      for (const app of [...apps.values()].reverse()) await app.stop();
      await eventStore.stop();
      const redis = testRedis();
      await deletePrefix(redis, redisPrefix);
      redis.disconnect();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    for (const name of options.apps ?? ['projector', 'api']) await system.startApp(name);
    if (apps.has('api')) {
      const login = await system.api.request('POST', '/oauth2/token', { body: { grant_type: 'authorization_code', code: adminCode }, token: null });
      if (login.status !== 201) throw new Error(`initial admin login failed: ${login.status} ${login.text}`);
      system.admin = new ApiClient(system.api.baseUrl, login.body.access_token);
    }
  } catch (error) {
    await system.stop();
    throw error;
  }
  return system;
}
