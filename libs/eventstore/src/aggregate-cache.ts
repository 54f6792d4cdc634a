/**
 * Folded aggregate states by stream, so a command reads only the events appended since it last looked
 * instead of the whole stream (a busy service accumulates thousands of events). Safe across processes:
 * the handler always reads forward from the cached revision, and the append's expected revision catches
 * anything that slips in between. States are immutable (deciders never mutate), so sharing them is safe.
 */
export class AggregateCache {
  private readonly entries = new Map<string, { state: unknown; revision: bigint | undefined }>();

  constructor(private readonly capacity = 10_000) {}

  get<State>(stream: string): { state: State; revision: bigint | undefined } | undefined {
    const entry = this.entries.get(stream);
    if (!entry) return undefined;
    // Re-insert to mark as most recently used; Map keeps insertion order.
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    return entry as { state: State; revision: bigint | undefined };
  }

  set(stream: string, entry: { state: unknown; revision: bigint | undefined }): void {
    if (entry.revision === undefined) return; // nothing worth remembering about a stream that does not exist
    this.entries.delete(stream);
    this.entries.set(stream, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  delete(stream: string): void {
    this.entries.delete(stream);
  }

  get size(): number {
    return this.entries.size;
  }
}
