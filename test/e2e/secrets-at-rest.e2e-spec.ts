import { EventStoreDBClient } from '@eventstore/db-client';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SealedValue } from '@libs/domain';
import { currentGeneration } from '@libs/read-model';
import { dumpPrefix, RunningSystem, startApp, startSystem, testRedis } from '@libs/testing';
import { DataKeyDestroyed, SqliteKeyStore, Vault } from '@libs/vault';

/** Every file under `dir`, recursively, as raw bytes. */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, bytes: readFileSync(path) }];
  });
}

/**
 * The forms a leaked value could take: as is, hex, and base64 at each of the three byte alignments it
 * could have inside a longer base64 text (the characters that depend on neighbouring bytes are cut).
 */
function encodings(value: string): string[] {
  const raw = Buffer.from(value, 'utf8');
  const base64 = [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset, 0xff), raw]).toString('base64');
    return encoded.slice(offset === 0 ? 0 : 4, -4);
  });
  return [value, raw.toString('hex'), ...base64];
}

function leaks(haystack: Buffer | string, values: string[]): string[] {
  const text = Buffer.isBuffer(haystack) ? haystack : Buffer.from(haystack, 'utf8');
  return values.flatMap((value) =>
    encodings(value)
      .filter((form) => text.includes(form))
      .map((form) => `${value} as ${form}`),
  );
}

async function eventsOf(system: RunningSystem, stream: string): Promise<{ type: string; data: any }[]> {
  const client = EventStoreDBClient.connectionString(system.eventStoreUrl);
  const events: { type: string; data: any }[] = [];
  try {
    for await (const { event } of client.readStream(stream))
      if (event) events.push({ type: event.type, data: event.data });
  } finally {
    await client.dispose();
  }
  return events;
}

/** A fresh vault over the system's key store, as an operator with VAULT_KEY would open it. */
function openWithVault<T>(system: RunningSystem, use: (vault: Vault) => T): T {
  const store = new SqliteKeyStore(system.env.VAULT_KEYSTORE_PATH);
  try {
    return use(new Vault(system.vaultKey, store));
  } finally {
    store.close();
  }
}

describe('secrets at rest', () => {
  let system: RunningSystem;
  const secretValue = `plain-secret-${randomBytes(12).toString('hex')}`;
  const updatedValue = `plain-update-${randomBytes(12).toString('hex')}`;
  const password = `plain-password-${randomBytes(12).toString('hex')}`;
  const plaintexts = [secretValue, updatedValue, password];

  beforeAll(async () => {
    // The most talkative log level, so nothing that debug logging would print escapes the search.
    system = await startSystem({ env: { LOG_LEVEL: 'trace' } });
    const admin = system.admin;
    expect((await admin.post('/v1/grids', { name: 'shred' })).status).toBe(201);
    expect(
      (await admin.post('/v1/grids/shred/secrets', { name: 'DB_PASSWORD', value: secretValue })).status,
    ).toBe(201);
    expect((await admin.get('/v1/secrets/shred/DB_PASSWORD')).body.value).toBe(secretValue);
    // Refused and malformed requests carrying the value must not log it either.
    expect(
      (await admin.post('/v1/grids/shred/secrets', { name: 'DB_PASSWORD', value: secretValue })).status,
    ).toBe(422);
    const broken = await admin.request('POST', '/v1/grids/shred/secrets', {
      raw: true,
      body: `{"name":"BROKEN","value":"${secretValue}" x}`,
    });
    expect({ status: broken.status, body: broken.body }).toEqual({
      status: 400,
      body: { error: 'Invalid json' },
    });
    expect((await admin.put('/v1/secrets/shred/DB_PASSWORD', { value: updatedValue })).status).toBe(200);
    expect(
      (await admin.put('/v1/grids/shred/secrets/UPSERTED', { value: updatedValue, upsert: true })).status,
    ).toBe(201);
    expect(
      (
        await admin.post('/v1/grids/shred/external_registries', {
          url: 'https://registry.example.com',
          username: 'bot',
          password,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await admin.post('/v1/grids/shred/external_registries', {
          url: 'https://registry.example.com',
          username: 'bot',
          password,
        })
      ).status,
    ).toBe(422);
    expect(
      (await admin.post('/v1/volumes/shred', { name: 'data', scope: 'grid', driver: 'local' })).status,
    ).toBe(201);
  }, 60_000);
  afterAll(() => system?.stop(), 30_000);

  it('never writes a value or password to the event store files in plaintext', () => {
    const files = filesUnder(system.eventStoreDataDir);
    expect(files.length).toBeGreaterThan(0);
    // The search does read the events: the secret's name is there.
    expect(files.some((file) => file.bytes.includes('DB_PASSWORD'))).toBe(true);
    expect(
      files.flatMap((file) => leaks(file.bytes, plaintexts).map((leak) => `${file.path}: ${leak}`)),
    ).toEqual([]);
  });

  it('never stores one in Redis, in any key or value under the system prefix', async () => {
    const redis = testRedis();
    const dump = await dumpPrefix(redis, system.redisPrefix);
    redis.disconnect();
    expect([...dump.keys()].some((key) => key.includes('DB_PASSWORD'))).toBe(true);
    const leaked = [...dump].flatMap(([key, value]) =>
      leaks(`${key} ${value}`, plaintexts).map((leak) => `${key}: ${leak}`),
    );
    expect(leaked).toEqual([]);
  });

  it('never logs one, in any line of any process', () => {
    const logs = system.logs();
    expect(logs.some((line) => line.includes('/v1/secrets/shred/DB_PASSWORD'))).toBe(true);
    expect(leaks(logs.join('\n'), plaintexts)).toEqual([]);
  });

  it('rebuilds its read models byte for byte from the log (projections read no clock)', async () => {
    const redis = testRedis();
    const ours = /^(secret|registry|volume):|^idx:grid:[^:]+:(secrets|registries|volumes)$|^rev:(secret|registry|volume)-/;
    const snapshot = async () => {
      const root = `${system.redisPrefix}rm:${await currentGeneration(redis, system.redisPrefix)}:`;
      return [...(await dumpPrefix(redis, root))].filter(([key]) => ours.test(key)).sort(([a], [b]) => a.localeCompare(b));
    };
    try {
      const before = await snapshot();
      expect(before.length).toBeGreaterThan(5);
      const rebuild = startApp('projector', system.env, 'rebuild');
      expect(await rebuild.exited).toBe(0);
      expect(await snapshot()).toEqual(before);
    } finally {
      redis.disconnect();
    }
  });

  it('keeps sealed values that the vault opens while the grid exists, and cannot open once it is removed', async () => {
    const history = await eventsOf(system, 'secret-shred/DB_PASSWORD');
    expect(history.map((e) => e.type)).toEqual(['SecretCreated', 'SecretRead', 'SecretValueChanged']);
    const [created, , changed] = history;
    const [registry] = await eventsOf(system, 'registry-shred/registry.example.com');
    const sealed: [SealedValue, string, string][] = [
      [created.data.value, 'secret:shred/DB_PASSWORD', secretValue],
      [changed.data.value, 'secret:shred/DB_PASSWORD', updatedValue],
      [registry.data.password, 'registry-password:shred/registry.example.com', password],
    ];
    expect(registry.type).toBe('RegistryCreated');
    openWithVault(system, (vault) => {
      for (const [value, purpose, plaintext] of sealed) expect(vault.open(value, purpose)).toBe(plaintext);
    });

    const removed = await system.admin.delete('/v1/grids/shred');
    expect(removed.status).toBe(200);

    openWithVault(system, (vault) => {
      for (const [value, purpose] of sealed)
        expect(() => vault.open(value, purpose)).toThrow(DataKeyDestroyed);
    });
    // The history stays, and says why each resource went.
    expect((await eventsOf(system, 'secret-shred/DB_PASSWORD')).at(-1)).toEqual({
      type: 'SecretRemoved',
      data: { grid: 'shred', name: 'DB_PASSWORD', reason: 'grid_removed' },
    });
    expect((await eventsOf(system, 'registry-shred/registry.example.com')).at(-1)?.data.reason).toBe(
      'grid_removed',
    );
    expect((await eventsOf(system, 'volume-shred/data')).at(-1)?.data.reason).toBe('grid_removed');
  });

  it('leaves nothing of the removed grid in the read models, so a new grid of that name starts empty', async () => {
    const redis = testRedis();
    const dump = await dumpPrefix(redis, system.redisPrefix);
    redis.disconnect();
    expect([...dump.keys()].filter((key) => /(secret|registry|volume):shred\//.test(key))).toEqual([]);

    expect((await system.admin.post('/v1/grids', { name: 'shred' })).status).toBe(201);
    expect((await system.admin.get('/v1/grids/shred/secrets')).body).toEqual({ secrets: [] });
    expect((await system.admin.get('/v1/grids/shred/external_registries')).body).toEqual({
      external_registries: [],
    });
    expect((await system.admin.get('/v1/volumes/shred')).body).toEqual({ volumes: [] });
    expect((await system.admin.get('/v1/secrets/shred/DB_PASSWORD')).status).toBe(404);
  });
});
