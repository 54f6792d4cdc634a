/** A fold's state after the stream's events up to `revision` (`undefined`: the stream does not exist yet). */
export interface Folded<State> {
  state: State;
  revision: bigint | undefined;
}

interface Entry extends Folded<unknown> {
  /**
   * The fold that made `state`, by its `evolve` function: one stream can be folded differently by different
   * readers, while deciders that only decide differently (same `evolve`) share what they folded.
   */
  fold: Fold;
}

/** A fold is known by its `evolve` function. */
export type Fold = (state: any, event: any) => unknown;

/** `undefined` (no stream) orders before revision 0. */
const order = (revision: bigint | undefined) => revision ?? -1n;

/**
 * Folded aggregate states by stream, so a command reads only the events appended since it last looked
 * instead of the whole stream (a busy service accumulates thousands of events). Safe across processes:
 * the handler always reads forward from the cached revision, and the append's expected revision catches
 * anything that slips in between. States are immutable (deciders never mutate), so sharing them is safe.
 *
 * An entry only ever moves forward: a read that started before a concurrent append finished must not put
 * back the older state the append replaced (the next reader would fetch those events again for nothing).
 */
export class AggregateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 10_000) {}

  /** What `fold` made of the stream so far; nothing if it is unknown or another fold's. */
  get<State>(stream: string, fold: Fold): Folded<State> | undefined {
    const entry = this.entries.get(stream);
    if (!entry || entry.fold !== fold) return undefined;
    // Re-insert to mark as most recently used; Map keeps insertion order.
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    return { state: entry.state as State, revision: entry.revision };
  }

  set(stream: string, fold: Fold, folded: Folded<unknown>): void {
    if (folded.revision === undefined) return; // nothing worth remembering about a stream that does not exist
    const current = this.entries.get(stream);
    if (current && current.fold === fold && order(current.revision) > order(folded.revision)) return;
    this.entries.delete(stream);
    this.entries.set(stream, { ...folded, fold });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(stream: string): void {
    this.entries.delete(stream);
  }

  get size(): number {
    return this.entries.size;
  }
}
