import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRedis, redactedRedisUrl, waitForRedis } from './redis';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('waiting for Redis at start-up (a private redis-server that starts late)', () => {
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
  });

  it('waits, says why, and goes on once Redis answers', async () => {
    const port = await freePort();
    const reasons: string[] = [];
    const started = Date.now();
    const waiting = waitForRedis(`redis://127.0.0.1:${port}`, (reason) => reasons.push(reason), {
      intervalMs: 100,
      reportEveryMs: 400,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(reasons.length).toBeGreaterThanOrEqual(1);
    // Said every 400 ms at most, not on every 100 ms attempt.
    expect(reasons.length).toBeLessThanOrEqual(3);
    expect(reasons[0]).toMatch(/ECONNREFUSED/);
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await waiting;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  }, 20_000);

  it('stops waiting when asked to', async () => {
    const controller = new AbortController();
    const waiting = waitForRedis(`redis://127.0.0.1:${await freePort()}`, () => undefined, {
      intervalMs: 50,
      signal: controller.signal,
    });
    controller.abort();
    await expect(waiting).rejects.toThrow('stopped while waiting for Redis');
  });

  it('never logs a password', () => {
    expect(redactedRedisUrl('redis://user:s3cret@redis.internal:6380/2')).toBe(
      'redis://user:***@redis.internal:6380/2',
    );
    expect(redactedRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactedRedisUrl('not a url')).toBe('(not a URL)');
    expect(redactedRedisUrl('/run/redis/redis.sock')).toBe('/run/redis/redis.sock');
  });
});

describe('Redis on a Unix socket (a private redis-server without TCP)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redis-socket-'));
  const socket = join(dir, 'redis.sock');
  let server: ChildProcess;
  afterAll(async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the socket path as REDIS_URL', async () => {
    server = spawn(
      'redis-server',
      ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitForRedis(socket, () => undefined, { intervalMs: 50 });
    const redis = connectRedis(socket, 'worker');
    try {
      await redis.set('socket-test', 'over the socket');
      expect(await redis.get('socket-test')).toBe('over the socket');
      expect(await redis.config('GET', 'port')).toEqual(['port', '0']);
    } finally {
      redis.disconnect();
    }
  }, 20_000);
});
