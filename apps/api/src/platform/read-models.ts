import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { AllPosition, comparePositions, positionFromString } from '@libs/eventstore';
import { currentGeneration, ReadModelKeys, ReadModelReader } from '@libs/read-model';
import { reconnectsQuietly } from '@libs/redis';
import { ApiConfig } from '../config';
import { REDIS } from './tokens';

/** What a writer waits for: the projector past a `$all` position, or past a revision of one stream. */
export type VisibilityTarget = { position: AllPosition } | { stream: string; revision: bigint };

interface Waiter {
  target: VisibilityTarget;
  resolve: (reached: boolean) => void;
  timer: NodeJS.Timeout;
}

@Injectable()
export class ReadModels implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ReadModels.name);
  private subscriber?: Redis;
  private keys!: ReadModelKeys;
  private current!: ReadModelReader;
  private latest?: AllPosition;
  private waiters: Waiter[] = [];
  private readonly revisions = new Map<string, bigint>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: ApiConfig,
  ) {}

  get reader(): ReadModelReader {
    return this.current;
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = reconnectsQuietly(this.redis.duplicate());
    this.subscriber.on('message', (channel, message) => this.onMessage(channel, message));
    await this.subscriber.subscribe(ReadModelKeys.switchChannel(this.config.REDIS_PREFIX));
    await this.use(await currentGeneration(this.redis, this.config.REDIS_PREFIX));
  }

  async onModuleDestroy(): Promise<void> {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(false);
    }
    this.waiters = [];
    this.subscriber?.disconnect();
  }

  /**
   * Resolves `true` once the read models reflect `target`, `false` after `timeoutMs`. A timeout is not an
   * error: the change is committed, only not yet visible. A stream revision is exact for a command however
   * many events it appended, because every projection applies an event in the same step.
   */
  async waitFor(target: VisibilityTarget, timeoutMs = this.config.READ_YOUR_WRITES_TIMEOUT_MS): Promise<boolean> {
    if (this.reached(target)) return true;
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        target,
        resolve,
        timer: setTimeout(() => void this.settle(waiter, true), timeoutMs),
      };
      // Registered before looking, so an announcement arriving while we look is not missed.
      this.waiters.push(waiter);
      void this.settle(waiter, false);
    });
  }

  /** Looks the target up in Redis; resolves the waiter when reached, or (on `final`) when time is up. */
  private async settle(waiter: Waiter, final: boolean): Promise<void> {
    const { target } = waiter;
    try {
      if ('position' in target) await this.refresh();
      else {
        const applied = await this.redis.get(this.keys.streamRevision(target.stream));
        if (applied !== null) this.noteRevision(target.stream, BigInt(applied));
      }
    } catch {
      // Redis hiccup: the announcement or the timeout will decide.
    }
    if (!this.waiters.includes(waiter)) return;
    if (this.reached(target) || final) {
      clearTimeout(waiter.timer);
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(this.reached(target));
    }
  }

  /**
   * Whether the read models are behind what this api has already seen: Redis lost them (restarted empty)
   * and the projector is projecting `$all` again. A token missing then may only be missing for now.
   */
  async rebuilding(): Promise<boolean> {
    if (this.latest === undefined) return false;
    const raw = await this.redis.get(this.keys.checkpoint);
    return raw === null || comparePositions(positionFromString(raw), this.latest) < 0;
  }

  private reached(target: VisibilityTarget): boolean {
    if ('position' in target) return this.latest !== undefined && comparePositions(this.latest, target.position) >= 0;
    const applied = this.revisions.get(target.stream);
    return applied !== undefined && applied >= target.revision;
  }

  private async use(generation: number): Promise<void> {
    if (this.keys) await this.subscriber?.unsubscribe(this.keys.checkpointChannel);
    this.keys = new ReadModelKeys(this.config.REDIS_PREFIX, generation);
    this.current = new ReadModelReader(this.redis, this.keys);
    this.latest = undefined;
    this.revisions.clear();
    await this.subscriber?.subscribe(this.keys.checkpointChannel);
    await this.refresh();
    this.logger.log({ generation }, 'reading read-model generation');
  }

  private async refresh(): Promise<void> {
    const raw = await this.redis.get(this.keys.checkpoint);
    if (raw) this.advance(positionFromString(raw));
  }

  /** `<position>` or `<position>|<stream>|<revision applied>` (see `ReadModelKeys.checkpointChannel`). */
  private onMessage(channel: string, message: string): void {
    if (channel === ReadModelKeys.switchChannel(this.config.REDIS_PREFIX)) {
      void this.use(Number(message));
    } else if (channel === this.keys.checkpointChannel) {
      const [position, stream, revision] = message.split('|');
      if (stream !== undefined && revision !== undefined && revision !== '-1') this.noteRevision(stream, BigInt(revision));
      this.advance(positionFromString(position));
    }
  }

  /** Remembers a stream's applied revision only while someone waits on that stream, so memory stays bounded. */
  private noteRevision(stream: string, revision: bigint): void {
    if (!this.waiters.some((w) => 'stream' in w.target && w.target.stream === stream)) return;
    const known = this.revisions.get(stream);
    if (known === undefined || revision > known) this.revisions.set(stream, revision);
    this.wake();
  }

  private advance(position: AllPosition): void {
    if (this.latest && comparePositions(position, this.latest) <= 0) return;
    this.latest = position;
    this.wake();
  }

  private wake(): void {
    const still: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (this.reached(waiter.target)) {
        clearTimeout(waiter.timer);
        waiter.resolve(true);
      } else {
        still.push(waiter);
      }
    }
    this.waiters = still;
    // Forget revisions nobody waits for any more.
    for (const stream of this.revisions.keys()) {
      if (!still.some((w) => 'stream' in w.target && w.target.stream === stream)) this.revisions.delete(stream);
    }
  }
}
