import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { repositoryRoot, RunningSystem, startSystem } from '@libs/testing';

/** `npm run vault:rewrap` as an operator runs it: the built script, its exit code and what it printed. */
function rewrap(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const script = join(repositoryRoot(), 'dist', 'scripts', 'vault-rewrap.js');
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env } });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

/**
 * Rotating the vault's master key on a running system (README, "Rotating the vault key"): the api restarted with
 * the new key and the old one as previous, the data keys rewrapped while it runs, the old key dropped. Secrets
 * stay readable throughout and no event is rewritten.
 */
describe('vault master key rotation', () => {
  let system: RunningSystem;
  const newKey = randomBytes(32).toString('hex');
  const before = `before-${randomBytes(8).toString('hex')}`;
  const during = `during-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    system = await startSystem();
  }, 60_000);
  afterAll(() => system?.stop(), 30_000);

  const restartApi = async (env: Record<string, string>) => {
    await system.apps.get('api')!.stop();
    await system.startApp('api', env);
  };
  const secret = async (path: string) => (await system.admin.get(`/v1/secrets/${path}`)).body.value;

  it('keeps every secret readable while the key changes, and leaves the old key unable to open anything', async () => {
    const oldKey = system.vaultKey;
    const keystore = { VAULT_KEYSTORE_PATH: system.env.VAULT_KEYSTORE_PATH };
    expect((await system.admin.post('/v1/grids', { name: 'rot1' })).status).toBe(201);
    expect((await system.admin.post('/v1/grids/rot1/secrets', { name: 'PW', value: before })).status).toBe(
      201,
    );

    // Step 1: the api runs with the new key, the old one as previous.
    await restartApi({ VAULT_KEY: newKey, VAULT_PREVIOUS_KEY: oldKey });
    expect(await secret('rot1/PW')).toBe(before);
    expect((await system.admin.post('/v1/grids', { name: 'rot2' })).status).toBe(201);
    expect((await system.admin.post('/v1/grids/rot2/secrets', { name: 'PW', value: during })).status).toBe(
      201,
    );

    // Step 2: rewrap while it runs. What was under the old key moves; the grid created in step 1 already is new.
    const first = await rewrap({ VAULT_KEY: newKey, VAULT_PREVIOUS_KEY: oldKey, ...keystore });
    expect(first.code).toBe(0);
    const counts =
      /(\d+) data keys wrapped with the current master key, (\d+) already were, 0 unreadable/.exec(first.out);
    expect(counts).not.toBeNull();
    expect(Number(counts![1])).toBeGreaterThanOrEqual(1);
    expect(Number(counts![2])).toBeGreaterThanOrEqual(1);
    for (const key of [newKey, oldKey]) expect(first.out).not.toContain(key);
    const again = await rewrap({ VAULT_KEY: newKey, VAULT_PREVIOUS_KEY: oldKey, ...keystore });
    expect(again.out).toContain(
      `0 data keys wrapped with the current master key, ${Number(counts![1]) + Number(counts![2])} already were`,
    );
    expect(await secret('rot1/PW')).toBe(before);

    // Step 3: the api runs with the new key alone.
    await restartApi({ VAULT_KEY: newKey });
    expect(await secret('rot1/PW')).toBe(before);
    expect(await secret('rot2/PW')).toBe(during);

    // The old key alone unwraps none of them any more.
    const withOldKey = await rewrap({ VAULT_KEY: oldKey, ...keystore });
    expect(withOldKey.code).toBe(1);
    expect(withOldKey.out).toMatch(
      /0 data keys wrapped with the current master key, 0 already were, [1-9]\d* unreadable/,
    );

    // A refused environment says why and changes nothing.
    const short = await rewrap({ VAULT_KEY: 'too-short', ...keystore });
    expect(short).toEqual({ code: 2, out: expect.stringContaining('must be at least 32 characters') });
    expect(short.out).not.toContain('too-short');
    const nowhere = await rewrap({
      VAULT_KEY: newKey,
      VAULT_KEYSTORE_PATH: `${keystore.VAULT_KEYSTORE_PATH}.missing`,
    });
    expect(nowhere).toEqual({ code: 2, out: expect.stringContaining('no key store at') });
  }, 120_000);
});
