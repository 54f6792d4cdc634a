import type Redis from 'ioredis';
import { AllPosition, comparePositions, positionFromString } from '@libs/eventstore';
import { currentGeneration, ReadModelKeys, ReadModelReader } from '@libs/read-model';
import { isRedisUnavailable, reconnectsQuietly } from '@libs/redis';

/** The current read-model generation, followed across rebuilds (DESIGN.md §4), for what a pass may read lagging. */
export class CurrentReadModels {
  private current!: ReadModelReader;
  private keys!: ReadModelKeys;
  private subscriber?: Redis;
  /** The furthest checkpoint of the current generation seen so far. */
  private furthest?: AllPosition;
  private connections = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get reader(): ReadModelReader {
    return this.current;
  }

  /**
   * Changes whenever the connection to Redis is made again: a pass that read across a change may have read
   * half from a Redis that was then restarted empty.
   */
  get connectionEpoch(): number {
    return this.connections;
  }

  async start(): Promise<void> {
    this.redis.on('ready', () => this.connections++);
    // A start that meets a Redis outage waits it out: the request connection gives up after a few tries.
    for (let attempt = 0; ; attempt++) {
      try {
        this.use(await currentGeneration(this.redis, this.prefix));
        break;
      } catch (error) {
        if (!isRedisUnavailable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2_000)));
      }
    }
    this.subscriber = reconnectsQuietly(this.redis.duplicate());
    this.subscriber.on('message', (_channel, message) => {
      const generation = Number(message);
      if (Number.isInteger(generation)) this.use(generation);
    });
    await this.subscriber.subscribe(ReadModelKeys.switchChannel(this.prefix));
  }

  stop(): void {
    this.subscriber?.disconnect();
  }

  /**
   * Whether the read models are behind what this reconciler already read: Redis lost them (restarted empty)
   * and the projector is projecting `$all` again. A pass then would see nodes and instances missing and
   * fail deploys for want of nodes, so it waits.
   */
  async rebuilding(): Promise<boolean> {
    const raw = await this.redis.get(this.keys.checkpoint);
    if (raw === null) return this.furthest !== undefined;
    const at = positionFromString(raw);
    if (this.furthest && comparePositions(at, this.furthest) < 0) return true;
    this.furthest = at;
    return false;
  }

  private use(generation: number): void {
    this.keys = new ReadModelKeys(this.prefix, generation);
    this.current = new ReadModelReader(this.redis, this.keys);
    this.furthest = undefined;
  }
}
