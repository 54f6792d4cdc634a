import { SqliteKeyStore } from './key-store';
import { DataKeyDestroyed, Vault } from './vault';

describe('vault', () => {
  const key = 'k'.repeat(40);
  let store: SqliteKeyStore;
  let vault: Vault;

  beforeEach(() => {
    store = new SqliteKeyStore(':memory:');
    vault = new Vault(key, store);
  });
  afterEach(() => store.close());

  it('seals so that the plaintext appears nowhere in the sealed value, and opens it again', () => {
    const keyId = vault.createDataKey('grid:g');
    const sealed = vault.seal(keyId, 'T0Ps3crT', 'secret:g/PWD');
    expect(JSON.stringify(sealed)).not.toContain('T0Ps3crT');
    expect(JSON.stringify(sealed)).not.toContain(Buffer.from('T0Ps3crT').toString('base64'));
    expect(vault.open(sealed, 'secret:g/PWD')).toBe('T0Ps3crT');
  });

  it('uses a fresh IV every time', () => {
    const keyId = vault.createDataKey('grid:g');
    expect(vault.seal(keyId, 'x', 'p').iv).not.toBe(vault.seal(keyId, 'x', 'p').iv);
  });

  it('refuses a value opened for another purpose or tampered with', () => {
    const keyId = vault.createDataKey('grid:g');
    const sealed = vault.seal(keyId, 'v', 'secret:g/A');
    expect(() => vault.open(sealed, 'secret:g/B')).toThrow();
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0] ^= 1;
    expect(() => vault.open({ ...sealed, ciphertext: flipped.toString('base64') }, 'secret:g/A')).toThrow();
  });

  it('cannot open anything after the data key is destroyed, even in a new process', () => {
    const keyId = vault.createDataKey('grid:g');
    const sealed = vault.seal(keyId, 'v', 'p');
    vault.destroyDataKey(keyId);
    expect(() => vault.open(sealed, 'p')).toThrow(DataKeyDestroyed);
    expect(() => new Vault(key, store).open(sealed, 'p')).toThrow(DataKeyDestroyed);
  });

  it('needs the right master key to unwrap data keys', () => {
    const keyId = vault.createDataKey('grid:g');
    const sealed = vault.seal(keyId, 'v', 'p');
    expect(() => new Vault('x'.repeat(40), store).open(sealed, 'p')).toThrow();
  });

  it('rejects a short VAULT_KEY', () => {
    expect(() => new Vault('short', store)).toThrow(/at least 32/);
  });
});
