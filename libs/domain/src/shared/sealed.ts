/**
 * Secret material as it may appear in an event or a read model: encrypted with a grid's data key
 * (AES-256-GCM, DESIGN.md §7). The domain only carries it; the vault seals and opens it.
 */
export interface SealedValue {
  /** Which data key sealed it; destroying that key makes the value unreadable (crypto-shredding). */
  key_id: string;
  alg: 'A256GCM';
  iv: string;
  ciphertext: string;
  tag: string;
}
