import type { SealedValue } from '@libs/domain';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import type { KeyStore } from './key-store';

/** The data key a value was sealed with is gone: the grid was removed and its secrets shredded. */
export class DataKeyDestroyed extends Error {
  constructor(readonly keyId: string) {
    super(`data key ${keyId} has been destroyed`);
    this.name = 'DataKeyDestroyed';
  }
}

/** A data key none of this process's master keys unwraps: `VAULT_KEY` changed without `VAULT_PREVIOUS_KEY`. */
export class MasterKeyMismatch extends Error {
  constructor(readonly keyId: string) {
    super(
      `data key ${keyId} is wrapped by a master key this process does not have (VAULT_KEY, VAULT_PREVIOUS_KEY)`,
    );
    this.name = 'MasterKeyMismatch';
  }
}

/** What `rewrapDataKeys` did: keys moved to the current master key, keys already under it, keys it cannot read. */
export interface RewrapReport {
  rewrapped: number;
  current: number;
  unreadable: string[];
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

const masterKeyOf = (vaultKey: string) =>
  Buffer.from(hkdfSync('sha256', vaultKey, 'kontena-es/vault', 'master-key-wrapping', 32));

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function open(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/**
 * Envelope encryption (DESIGN.md §7): each grid has a random AES-256-GCM data key; data keys are stored
 * wrapped by a master key derived from VAULT_KEY with HKDF. Values are bound to their purpose with
 * additional authenticated data (e.g. `secret:my-grid/DB_PASSWORD`), so a sealed value copied into
 * another event does not open there.
 *
 * The master key can be rotated without touching a single event (Kontena could not rotate VAULT_KEY,
 * kontena#3246): with the old key given as `previousVaultKey`, data keys wrapped by either are read and new
 * ones are wrapped by the current key, and `rewrapDataKeys` moves the old ones over (README, "Rotating the vault key").
 */
export class Vault {
  /** The current master key first: it wraps new data keys and is tried first. */
  private readonly masterKeys: Buffer[];
  private readonly unwrapped = new Map<string, Buffer>();

  constructor(
    vaultKey: string,
    private readonly store: KeyStore,
    previousVaultKey?: string,
  ) {
    for (const [name, value] of [
      ['VAULT_KEY', vaultKey],
      ['VAULT_PREVIOUS_KEY', previousVaultKey],
    ] as const) {
      if (value !== undefined && value.length < 32) throw new Error(`${name} must be at least 32 characters`);
    }
    this.masterKeys = [vaultKey, ...(previousVaultKey === undefined ? [] : [previousVaultKey])].map(
      masterKeyOf,
    );
  }

  private get masterKey(): Buffer {
    return this.masterKeys[0];
  }

  /** Creates and stores a new data key; returns its id, which sealed values and events refer to. */
  createDataKey(scope: string): string {
    const keyId = `${scope}:${randomUUID()}`;
    this.store.put(keyId, wrapWith(this.masterKey, keyId, randomBytes(32)));
    return keyId;
  }

  seal(keyId: string, plaintext: string, purpose: string): SealedValue {
    const { iv, ciphertext, tag } = seal(
      this.dataKey(keyId),
      Buffer.from(plaintext, 'utf8'),
      Buffer.from(purpose),
    );
    return {
      key_id: keyId,
      alg: 'A256GCM',
      iv: iv.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: tag.toString('base64'),
    };
  }

  open(sealed: SealedValue, purpose: string): string {
    const key = this.dataKey(sealed.key_id);
    return open(
      key,
      Buffer.from(sealed.iv, 'base64'),
      Buffer.from(sealed.ciphertext, 'base64'),
      Buffer.from(sealed.tag, 'base64'),
      Buffer.from(purpose),
    ).toString('utf8');
  }

  /** Crypto-shredding: every value sealed with this key becomes unreadable, wherever copies of it live. */
  destroyDataKey(keyId: string): void {
    this.unwrapped.delete(keyId);
    this.store.destroy(keyId);
  }

  /**
   * Wraps every data key the previous master key wrapped with the current one; keys already under the current
   * one are left alone, so running it again, or after an interruption, finishes the job. A key neither master
   * key unwraps is reported, not touched.
   */
  rewrapDataKeys(): RewrapReport {
    const report: RewrapReport = { rewrapped: 0, current: 0, unreadable: [] };
    for (const keyId of this.store.keyIds()) {
      const wrapped = this.store.get(keyId);
      if (!wrapped) continue; // destroyed meanwhile
      const found = this.unwrap(keyId, wrapped);
      if (!found) report.unreadable.push(keyId);
      else if (found.master === 0) report.current += 1;
      else {
        this.store.replace(keyId, wrapWith(this.masterKey, keyId, found.key));
        report.rewrapped += 1;
      }
    }
    return report;
  }

  private dataKey(keyId: string): Buffer {
    const cached = this.unwrapped.get(keyId);
    if (cached) return cached;
    const wrapped = this.store.get(keyId);
    if (!wrapped) throw new DataKeyDestroyed(keyId);
    const found = this.unwrap(keyId, wrapped);
    if (!found) throw new MasterKeyMismatch(keyId);
    this.unwrapped.set(keyId, found.key);
    return found.key;
  }

  /** The data key and which master key (0: the current one) unwrapped it; `undefined` when none does. */
  private unwrap(keyId: string, wrapped: Buffer): { key: Buffer; master: number } | undefined {
    const iv = wrapped.subarray(0, IV_BYTES);
    const tag = wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const ciphertext = wrapped.subarray(IV_BYTES + TAG_BYTES);
    for (const [master, masterKey] of this.masterKeys.entries()) {
      try {
        return { key: open(masterKey, iv, ciphertext, tag, Buffer.from(keyId)), master };
      } catch {
        // GCM's authentication failed: another master key wrapped it.
      }
    }
    return undefined;
  }
}

/** A data key wrapped for storage: IV, tag and ciphertext, bound to its id. */
function wrapWith(masterKey: Buffer, keyId: string, dataKey: Buffer): Buffer {
  const { iv, ciphertext, tag } = seal(masterKey, dataKey, Buffer.from(keyId));
  return Buffer.concat([iv, tag, ciphertext]);
}
