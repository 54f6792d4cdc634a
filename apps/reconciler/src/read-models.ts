import type Redis from 'ioredis';
import { currentGeneration, ReadModelKeys, ReadModelReader } from '@libs/read-model';
import { reconnectsQuietly } from '@libs/redis';

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
    this.use(await currentGeneration(this.redis, this.prefix));
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
