/**
 * `npm run vault:rewrap`: the second step of rotating the vault's master key (README, "Rotating the vault key").
 * Wraps every per-grid data key that the previous master key (`VAULT_PREVIOUS_KEY`) wrapped with the current one
 * (`VAULT_KEY`), in the key store at `VAULT_KEYSTORE_PATH`. No event changes: events hold values sealed with the
 * data keys, which stay the same. Safe to run while the api runs with the same two keys, and again after an
 * interruption. Prints counts only, never key material; exits 1 when a data key opens with neither key.
 */
import { existsSync } from 'node:fs';
import { IsOptional, IsString, MinLength } from 'class-validator';
import { InvalidEnvironmentError, validateEnv } from '@libs/config';
import { SqliteKeyStore, Vault } from '@libs/vault';

class RewrapEnv {
  @IsString()
  @MinLength(32, { message: 'VAULT_KEY (the new master key) must be at least 32 characters' })
  VAULT_KEY!: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'VAULT_PREVIOUS_KEY must be at least 32 characters' })
  VAULT_PREVIOUS_KEY?: string;

  @IsString()
  VAULT_KEYSTORE_PATH = './data/vault/keys.db';
}

function main(): number {
  let env: RewrapEnv;
  try {
    env = validateEnv(RewrapEnv, process.env);
  } catch (error) {
    if (!(error instanceof InvalidEnvironmentError)) throw error;
    process.stderr.write(`vault:rewrap: ${error.message}\n`);
    return 2;
  }
  // Opening a path with no key store would create an empty one and report nothing to do.
  if (!existsSync(env.VAULT_KEYSTORE_PATH)) {
    process.stderr.write(`vault:rewrap: no key store at ${env.VAULT_KEYSTORE_PATH} (VAULT_KEYSTORE_PATH)\n`);
    return 2;
  }
  const store = new SqliteKeyStore(env.VAULT_KEYSTORE_PATH);
  try {
    const report = new Vault(env.VAULT_KEY, store, env.VAULT_PREVIOUS_KEY).rewrapDataKeys();
    process.stdout.write(
      `vault:rewrap: ${report.rewrapped} data keys wrapped with the current master key, ${report.current} already were, ` +
        `${report.unreadable.length} unreadable\n`,
    );
    if (report.unreadable.length === 0) return 0;
    process.stderr.write(
      `vault:rewrap: neither VAULT_KEY nor VAULT_PREVIOUS_KEY unwraps: ${report.unreadable.join(', ')}\n`,
    );
    return 1;
  } finally {
    store.close();
  }
}

process.exitCode = main();
