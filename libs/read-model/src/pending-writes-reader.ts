import type Redis from 'ioredis';
import type { ReadModelKeys } from './keys';
import type { ReadModelOp } from './ops';
import { ReadModelReader } from './read-model-reader';

/**
 * What projections read: the read models as they are once the events before the one being projected are
 * applied, whether or not they have reached Redis yet.
 *
 * - Documents and look-ups (string keys) written by events not applied yet come from those pending writes.
 * - Any other read (indexes, revisions) first has the pending events applied (`flush`), so it reads Redis
 *   after exactly the previous event, as if events were applied one by one.
 * - String values applied or read are remembered (bounded, least recently used first out). This is sound only
 *   because the projector is the one writer of its generation's read models; a second writer would make the
 *   projector's guard predictions fail, which it reports.
 */
export class PendingWritesReader extends ReadModelReader {
  /** Writes of events not applied yet (`null`: deleted). */
  private readonly pending = new Map<string, string | null>();
  /** Values Redis holds, as far as this writer knows (`null`: absent). */
  private readonly known = new Map<string, string | null>();
  /** Applies the events projected so far; set by the projector for each batch. */
  flush: () => Promise<void> = async () => undefined;

  constructor(
    redis: Redis,
    keys: ReadModelKeys,
    private readonly capacity = 20_000,
  ) {
    super(redis, keys);
  }

  /** Records an event's ops for the reads that follow. */
  record(ops: readonly ReadModelOp[]): void {
    for (const op of ops) {
      if (op.op === 'set') this.pending.set(op.key, op.value);
      else if (op.op === 'del') this.pending.set(op.key, null);
    }
  }

  /** The pending events were applied: Redis now holds what was pending. */
  applied(): void {
    for (const [key, value] of this.pending) this.remember(key, value);
    this.pending.clear();
  }

  /** Forgets everything: after a failed apply, what Redis holds is unknown. */
  forget(): void {
    this.pending.clear();
    this.known.clear();
  }

  override async doc<T>(type: string, id: string): Promise<T | undefined> {
    const raw = await this.stringAt(this.keys.doc(type, id));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  override async lookup(kind: string, value: string): Promise<string | undefined> {
    return (await this.stringAt(this.keys.lookup(kind, value))) ?? undefined;
  }

  // Indexes, revisions and the rest are not tracked: apply what is pending (the projector knows whether
  // anything is), then read Redis.
  override async docs<T>(type: string, ids: readonly string[]): Promise<T[]> {
    await this.flush();
    return super.docs<T>(type, ids);
  }

  override async ids(index: string, order: 'asc' | 'desc' = 'asc'): Promise<string[]> {
    await this.flush();
    return super.ids(index, order);
  }

  override async has(index: string, id: string): Promise<boolean> {
    await this.flush();
    return super.has(index, id);
  }

  override async count(index: string): Promise<number> {
    await this.flush();
    return super.count(index);
  }

  override async docAt<T>(type: string, id: string, stream: string) {
    await this.flush();
    return super.docAt<T>(type, id, stream);
  }

  override async revision(stream: string): Promise<bigint | undefined> {
    await this.flush();
    return super.revision(stream);
  }

  override async tokenWithUser(tokenHash: string) {
    await this.flush();
    return super.tokenWithUser(tokenHash);
  }

  private async stringAt(key: string): Promise<string | null> {
    if (this.pending.has(key)) return this.pending.get(key)!;
    if (this.known.has(key)) {
      const value = this.known.get(key)!;
      this.remember(key, value);
      return value;
    }
    const value = await this.redis.get(key);
    // A write may have been recorded while the GET was in flight; it is newer.
    if (!this.pending.has(key)) this.remember(key, value);
    return this.pending.has(key) ? this.pending.get(key)! : value;
  }

  private remember(key: string, value: string | null): void {
    this.known.delete(key);
    this.known.set(key, value);
    if (this.known.size > this.capacity) this.known.delete(this.known.keys().next().value as string);
  }
}
