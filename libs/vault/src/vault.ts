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

const IV_BYTES = 12;

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
 */
export class Vault {
  private readonly masterKey: Buffer;
  private readonly unwrapped = new Map<string, Buffer>();

  constructor(vaultKey: string, private readonly store: KeyStore) {
    if (vaultKey.length < 32) throw new Error('VAULT_KEY must be at least 32 characters');
    this.masterKey = Buffer.from(hkdfSync('sha256', vaultKey, 'kontena-es/vault', 'master-key-wrapping', 32));
  }

  /** Creates and stores a new data key; returns its id, which sealed values and events refer to. */
  createDataKey(scope: string): string {
    const keyId = `${scope}:${randomUUID()}`;
    const dataKey = randomBytes(32);
    const { iv, ciphertext, tag } = seal(this.masterKey, dataKey, Buffer.from(keyId));
    this.store.put(keyId, Buffer.concat([iv, tag, ciphertext]));
    return keyId;
  }

  seal(keyId: string, plaintext: string, purpose: string): SealedValue {
    const { iv, ciphertext, tag } = seal(this.dataKey(keyId), Buffer.from(plaintext, 'utf8'), Buffer.from(purpose));
    return { key_id: keyId, alg: 'A256GCM', iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: tag.toString('base64') };
  }

  open(sealed: SealedValue, purpose: string): string {
    const key = this.dataKey(sealed.key_id);
    return open(key, Buffer.from(sealed.iv, 'base64'), Buffer.from(sealed.ciphertext, 'base64'), Buffer.from(sealed.tag, 'base64'), Buffer.from(purpose)).toString('utf8');
  }

  /** Crypto-shredding: every value sealed with this key becomes unreadable, wherever copies of it live. */
  destroyDataKey(keyId: string): void {
    this.unwrapped.delete(keyId);
    this.store.destroy(keyId);
  }

  private dataKey(keyId: string): Buffer {
    const cached = this.unwrapped.get(keyId);
    if (cached) return cached;
    const wrapped = this.store.get(keyId);
    if (!wrapped) throw new DataKeyDestroyed(keyId);
    const key = open(this.masterKey, wrapped.subarray(0, IV_BYTES), wrapped.subarray(IV_BYTES + 16), wrapped.subarray(IV_BYTES, IV_BYTES + 16), Buffer.from(keyId));
    this.unwrapped.set(keyId, key);
    return key;
  }
}
