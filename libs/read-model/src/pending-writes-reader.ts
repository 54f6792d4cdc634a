import type Redis from 'ioredis';
import type { ReadModelKeys } from './keys';
import type { DeployDoc } from './docs/service.doc';
import type { ReadModelOp } from './ops';
import { ReadModelReader } from './read-model-reader';

/** Where a hash field is tracked among string keys (no key holds a NUL). */
const fieldKey = (key: string, field: string) => `${key}\u0000${field}`;

/**
 * What projections read: the read models as they are once the events before the one being projected are
 * applied, whether or not they have reached Redis yet.
 *
 * - Documents, look-ups (string keys) and hash fields written by events not applied yet come from those
 *   pending writes.
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
  /** Keys deleted whole by events not applied yet: a hash's fields nobody read yet are gone too. */
  private readonly deleted = new Set<string>();
  /** Where hash keys start (`ReadModelKeys.hash`): only their deletion concerns tracked fields. */
  private readonly hashes = this.keys.hash('', '').slice(0, -1);
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
      else if (op.op === 'hset') this.pending.set(fieldKey(op.key, op.field), op.value);
      else if (op.op === 'hdel') this.pending.set(fieldKey(op.key, op.field), null);
      else if (op.op === 'del') {
        this.pending.set(op.key, null);
        if (op.key.startsWith(this.hashes)) this.forgetFields(op.key);
      }
    }
  }

  /** The pending events were applied: Redis now holds what was pending. */
  applied(): void {
    for (const [key, value] of this.pending) this.remember(key, value);
    this.pending.clear();
    this.deleted.clear();
  }

  /** Forgets everything: after a failed apply, what Redis holds is unknown. */
  forget(): void {
    this.pending.clear();
    this.known.clear();
    this.deleted.clear();
  }

  override async doc<T>(type: string, id: string): Promise<T | undefined> {
    const raw = await this.stringAt(this.keys.doc(type, id));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  override async lookup(kind: string, value: string): Promise<string | undefined> {
    return (await this.stringAt(this.keys.lookup(kind, value))) ?? undefined;
  }

  override async field(kind: string, id: string, field: string): Promise<string | undefined> {
    const key = this.keys.hash(kind, id);
    const gone = () => this.deleted.has(key);
    return (await this.stringAt(fieldKey(key, field), () => this.redis.hget(key, field), gone)) ?? undefined;
  }

  /**
   * A hash deleted whole (rare: a removed service's deploys) takes its fields along: the ones tracked are
   * pending deletions, and the ones never read read as absent until the deletion is applied.
   */
  private forgetFields(key: string): void {
    this.deleted.add(key);
    const fields = fieldKey(key, '');
    for (const tracked of [...this.pending.keys(), ...this.known.keys()]) {
      if (tracked.startsWith(fields)) this.pending.set(tracked, null);
    }
  }

  // Indexes, revisions and the rest are not tracked: apply what is pending (the projector knows whether
  // anything is), then read Redis.
  override async docs<T>(type: string, ids: readonly string[]): Promise<T[]> {
    await this.flush();
    return super.docs<T>(type, ids);
  }

  override async deploys(ids: readonly string[]): Promise<DeployDoc[]> {
    await this.flush();
    return super.deploys(ids);
  }

  override async ids(index: string, order: 'asc' | 'desc' = 'asc'): Promise<string[]> {
    await this.flush();
    return super.ids(index, order);
  }

  override async idsOfEach(indexes: readonly string[]): Promise<string[][]> {
    await this.flush();
    return super.idsOfEach(indexes);
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

  private async stringAt(
    key: string,
    read: () => Promise<string | null> = () => this.redis.get(key),
    gone: () => boolean = () => false,
  ): Promise<string | null> {
    if (this.pending.has(key)) return this.pending.get(key)!;
    if (gone()) return null;
    if (this.known.has(key)) {
      const value = this.known.get(key)!;
      this.remember(key, value);
      return value;
    }
    const value = await read();
    // A write may have been recorded while the read was in flight; it is newer.
    if (this.pending.has(key)) return this.pending.get(key)!;
    if (gone()) return null;
    this.remember(key, value);
    return value;
  }

  private remember(key: string, value: string | null): void {
    this.known.delete(key);
    this.known.set(key, value);
    if (this.known.size > this.capacity) this.known.delete(this.known.keys().next().value as string);
  }
}
