import type Redis from 'ioredis';
import { currentGeneration, ReadModelKeys, ReadModelReader } from '@libs/read-model';
import { isRedisUnavailable, reconnectsQuietly } from '@libs/redis';

/** The current read-model generation, followed across rebuilds (DESIGN.md §4), for what a pass may read lagging. */
export class CurrentReadModels {
  private current!: ReadModelReader;
  private subscriber?: Redis;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get reader(): ReadModelReader {
    return this.current;
  }

  async start(): Promise<void> {
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

  private use(generation: number): void {
    this.current = new ReadModelReader(this.redis, new ReadModelKeys(this.prefix, generation));
  }
}
