/** A fixed-capacity FIFO that overwrites its oldest item when full: bounded memory, order kept. */
export class Ring<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.items = [];
  }

  get size(): number {
    return this.count;
  }

  /** Adds at the end; returns true when the oldest item had to go. */
  push(item: T): boolean {
    const at = (this.head + this.count) % this.capacity;
    if (this.count < this.capacity) {
      this.items[at] = item;
      this.count++;
      return false;
    }
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    return true;
  }

  /** Removes and returns up to `max` items from the front. */
  take(max = this.count): T[] {
    const n = Math.min(max, this.count);
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.items[this.head] as T;
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
    }
    this.count -= n;
    return out;
  }

  /** The items, oldest first, without removing them. */
  toArray(): T[] {
    const out: T[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.head + i) % this.capacity] as T;
    return out;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.count = 0;
  }
}
