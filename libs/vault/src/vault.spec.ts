import { SqliteKeyStore } from './key-store';
import { DataKeyDestroyed, MasterKeyMismatch, Vault } from './vault';

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
    expect(() => new Vault('x'.repeat(40), store).open(sealed, 'p')).toThrow(MasterKeyMismatch);
  });

  describe('rotating the master key', () => {
    const next = 'n'.repeat(40);

    it('reads what either key wrapped during the rotation, wraps new keys with the new one, then moves the old ones', () => {
      // Given two grids' keys and a value under each, wrapped by the old master key.
      const a = vault.createDataKey('grid:a');
      const b = vault.createDataKey('grid:b');
      const sealedA = vault.seal(a, 'alpha', 'secret:a/X');
      const sealedB = vault.seal(b, 'beta', 'secret:b/Y');
      const wrappedBefore = store.get(a)!;

      // When the api runs with the new key and the old one as previous:
      const rotating = new Vault(next, store, key);
      expect(rotating.open(sealedA, 'secret:a/X')).toBe('alpha');
      const c = rotating.createDataKey('grid:c');
      const sealedC = rotating.seal(c, 'gamma', 'secret:c/Z');
      // then a grid created meanwhile is already under the new key alone.
      expect(new Vault(next, store).open(sealedC, 'secret:c/Z')).toBe('gamma');
      expect(() => new Vault(key, store).open(sealedC, 'secret:c/Z')).toThrow(MasterKeyMismatch);

      // When the keys are rewrapped, then the values sealed before open with the new key alone, the old key opens
      // nothing, the data keys themselves did not change (no event needs rewriting), and a second run has nothing to do.
      expect(rotating.rewrapDataKeys()).toEqual({ rewrapped: 2, current: 1, unreadable: [] });
      expect(store.get(a)).not.toEqual(wrappedBefore);
      const after = new Vault(next, store);
      expect(after.open(sealedA, 'secret:a/X')).toBe('alpha');
      expect(after.open(sealedB, 'secret:b/Y')).toBe('beta');
      expect(() => new Vault(key, store).open(sealedB, 'secret:b/Y')).toThrow(MasterKeyMismatch);
      expect(rotating.rewrapDataKeys()).toEqual({ rewrapped: 0, current: 3, unreadable: [] });
    });

    it('reports a data key neither key unwraps and leaves it as it was; a destroyed one stays destroyed', () => {
      const stranger = new Vault('s'.repeat(40), store).createDataKey('grid:s');
      const wrapped = store.get(stranger)!;
      const gone = vault.createDataKey('grid:gone');
      vault.destroyDataKey(gone);
      vault.createDataKey('grid:a');

      expect(new Vault(next, store, key).rewrapDataKeys()).toEqual({
        rewrapped: 1,
        current: 0,
        unreadable: [stranger],
      });
      expect(store.get(stranger)).toEqual(wrapped);
      expect(store.get(gone)).toBeUndefined();
      expect(store.keyIds()).not.toContain(gone);
    });

    it('rejects a short previous key', () => {
      expect(() => new Vault(next, store, 'short')).toThrow(/VAULT_PREVIOUS_KEY must be at least 32/);
    });
  });

  it('rejects a short VAULT_KEY', () => {
    expect(() => new Vault('short', store)).toThrow(/at least 32/);
  });
});
