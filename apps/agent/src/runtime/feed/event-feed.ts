import type { EventsDropped } from '../runtime';
import { Ring } from './ring';

/**
 * Fans events out to any number of `for await` consumers, each with its own bounded buffer. Events are
 * never reordered; a consumer that falls `capacity` events behind loses the oldest and is told how many
 * with one `dropped` marker where they were, so it can resync (level-triggered) instead of trusting a
 * partial history. A slow consumer never slows the runtime or the other consumers.
 */
export class EventFeed<T> {
  private readonly subscribers = new Set<Subscriber<T>>();
  private closed = false;

  constructor(
    private readonly capacity: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  publish(item: T): void {
    for (const subscriber of this.subscribers) subscriber.offer(item);
  }

  subscribe(signal?: AbortSignal): AsyncIterableIterator<T | EventsDropped> {
    const subscriber: Subscriber<T> = new Subscriber<T>(
      this.capacity,
      () => this.subscribers.delete(subscriber),
      this.now,
    );
    if (this.closed || signal?.aborted) subscriber.end();
    else {
      this.subscribers.add(subscriber);
      signal?.addEventListener('abort', () => subscriber.end(), { once: true });
    }
    return subscriber;
  }

  /** Ends every iteration once its consumer has taken what is buffered. */
  close(): void {
    this.closed = true;
    for (const subscriber of this.subscribers) subscriber.end();
  }
}

class Subscriber<T> implements AsyncIterableIterator<T | EventsDropped> {
  private readonly buffer: Ring<T>;
  /** Dropped items were always the oldest, so the gap is always just before the buffer's head. */
  private dropped = 0;
  private waiting: ((result: IteratorResult<T | EventsDropped>) => void) | null = null;
  private ended = false;

  constructor(
    capacity: number,
    private readonly detach: () => void,
    private readonly now: () => Date,
  ) {
    this.buffer = new Ring(capacity);
  }

  offer(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: item, done: false });
      return;
    }
    if (this.buffer.push(item)) this.dropped++;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.detach();
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T | EventsDropped>> {
    if (this.dropped > 0) {
      const marker: EventsDropped = { type: 'dropped', count: this.dropped, at: this.now().toISOString() };
      this.dropped = 0;
      return Promise.resolve({ value: marker, done: false });
    }
    if (this.buffer.size > 0) return Promise.resolve({ value: this.buffer.take(1)[0], done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T | EventsDropped>> {
    this.end();
    this.buffer.clear();
    this.dropped = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T | EventsDropped> {
    return this;
  }
}
