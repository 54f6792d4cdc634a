import type { EventStoreDBClient } from '@eventstore/db-client';
import type Redis from 'ioredis';
import {
  positionFromString,
  positionToString,
  RecordedEnvelope,
  SubscriptionLogger,
  SubscriptionRunner,
} from '@libs/eventstore';
import {
  ApplyStatus,
  PendingWritesReader,
  ProjectedEvent,
  Projection,
  READ_MODELS_VANISHED,
  ReadModelKeys,
  ReadModelOp,
  ReadModelReader,
  ReadModelStore,
} from '@libs/read-model';

export interface ProjectorOptions {
  client: EventStoreDBClient;
  redis: Redis;
  prefix: string;
  generation: number;
  projections: readonly Projection[];
  logger: SubscriptionLogger;
  onCaughtUp?: () => void;
}

/** How often an idle projector checks that Redis still holds its checkpoint. */
const VANISH_CHECK_MS = 5_000;

/** Most events applied in one atomic step while catching up. */
const MAX_BATCH = 256;

/**
 * Follows `$all` into one read-model generation (DESIGN.md §4): each event's ops from every projection
 * are applied with the stream-revision guard and the checkpoint in one atomic step. Events that arrive
 * together (catching up, bursts) are projected as an ordered batch and applied in one step: projections
 * read through the batch's pending writes, so each sees exactly the state after the event before it.
 */
export class Projector {
  readonly keys: ReadModelKeys;
  private readonly reader: ReadModelReader;
  /** What projections read through: pending writes first, then what this writer knows, then Redis. */
  private readonly projectionReader: PendingWritesReader;
  private readonly store: ReadModelStore;
  private readonly runner: SubscriptionRunner;
  private lastCheckpoint?: string;
  private vanishWatch?: NodeJS.Timeout;

  constructor(private readonly options: ProjectorOptions) {
    this.keys = new ReadModelKeys(options.prefix, options.generation);
    this.reader = new ReadModelReader(options.redis, this.keys);
    this.projectionReader = new PendingWritesReader(options.redis, this.keys);
    this.store = new ReadModelStore(options.redis, this.keys);
    this.runner = new SubscriptionRunner({
      name: `projector:${options.generation}`,
      client: options.client,
      logger: options.logger,
      onCaughtUp: options.onCaughtUp,
      checkpoints: {
        load: async () => {
          const raw = await this.reader.checkpoint();
          if (!raw && this.lastCheckpoint !== undefined) await this.readModelsVanished();
          this.lastCheckpoint = raw ?? undefined;
          return raw ? positionFromString(raw) : undefined;
        },
        // Filter checkpoints (system events skipped server-side) advance the checkpoint on their own.
        save: async (position) => {
          const value = positionToString(position);
          if (value === this.lastCheckpoint) return;
          const had = this.lastCheckpoint !== undefined;
          // XX once a checkpoint was seen: on an emptied Redis this must not write one over nothing.
          const set = had
            ? options.redis.multi().set(this.keys.checkpoint, value, 'XX')
            : options.redis.multi().set(this.keys.checkpoint, value);
          const results = await set.publish(this.keys.checkpointChannel, value).exec();
          if (had && results?.[0]?.[1] === null) {
            this.projectionReader.forget();
            throw new Error(`${READ_MODELS_VANISHED} the read-model checkpoint is gone`);
          }
          this.lastCheckpoint = value;
        },
      },
      handleBatch: (envelopes) => this.projectBatch(envelopes),
      maxBatch: MAX_BATCH,
    });
  }

  start(): this {
    this.runner.start();
    // An idle projector writes nothing, so it would not notice an emptied Redis until the next event: it
    // looks when the connection comes back (a restart) and now and then (a flush).
    this.options.redis.on('ready', this.lookForVanishedReadModels);
    this.vanishWatch = setInterval(this.lookForVanishedReadModels, VANISH_CHECK_MS);
    this.vanishWatch.unref();
    return this;
  }

  stop(): Promise<void> {
    this.options.redis.off('ready', this.lookForVanishedReadModels);
    clearInterval(this.vanishWatch);
    return this.runner.stop();
  }

  private readonly lookForVanishedReadModels = (): void => {
    if (this.lastCheckpoint === undefined) return;
    this.options.redis.exists(this.keys.checkpoint).then(
      (exists) => (exists === 0 && this.lastCheckpoint !== undefined ? this.runner.resubscribe() : undefined),
      () => undefined, // Redis is away: the next 'ready' looks again
    );
  };

  /** The checkpoint this generation has reached. */
  checkpoint(): Promise<string | undefined> {
    return this.reader.checkpoint();
  }

  private async projectBatch(envelopes: readonly RecordedEnvelope[]): Promise<void> {
    const reader = this.projectionReader;
    let unapplied: { envelope: RecordedEnvelope; event: ProjectedEvent; expected: ApplyStatus }[] = [];
    reader.flush = async () => {
      if (unapplied.length === 0) return;
      const batch = unapplied;
      unapplied = [];
      const statuses = await this.store.applyBatch(
        batch.map((b) => b.event),
        this.lastCheckpoint !== undefined,
      );
      reader.applied();
      this.lastCheckpoint = batch[batch.length - 1].event.checkpoint;
      batch.forEach(({ envelope, expected }, i) => this.report(envelope, statuses[i], expected));
    };

    try {
      // The guard's verdict is predicted from the revisions Redis holds and the batch's own, so a replayed or
      // out-of-order event contributes no ops to what later events read; the script re-checks atomically.
      const streams = [...new Set(envelopes.map((e) => e.streamName))];
      const stored = await this.options.redis.mget(streams.map((stream) => this.keys.streamRevision(stream)));
      const applied = new Map(
        streams.map((stream, i) => [stream, stored[i] === null ? -1n : BigInt(stored[i]!)]),
      );

      for (const envelope of envelopes) {
        const previous = applied.get(envelope.streamName)!;
        const expected: ApplyStatus =
          envelope.revision <= previous
            ? 'duplicate'
            : envelope.revision === previous + 1n
              ? 'applied'
              : 'gap';
        const ops: ReadModelOp[] = [];
        if (expected === 'applied') {
          for (const projection of this.options.projections)
            ops.push(...(await projection.project(envelope, reader)));
          reader.record(ops);
          applied.set(envelope.streamName, envelope.revision);
        }
        unapplied.push({
          envelope,
          expected,
          event: {
            stream: envelope.streamName,
            revision: envelope.revision,
            checkpoint: positionToString(envelope.position),
            ops,
          },
        });
      }
      await reader.flush();
    } catch (error) {
      // Whether the batch reached Redis is unknown, or a projection failed half-way: drop what the reader
      // remembers and let the runner resubscribe from the stored checkpoint.
      reader.forget();
      throw error;
    }
  }
  /**
   * Redis lost this generation (restarted without persistence, flushed): the runner resubscribes from the
   * start of `$all` and the read models are built again from the log. The generation pointer went too, so
   * it is put back for readers of a generation other than the default one.
   */
  private async readModelsVanished(): Promise<void> {
    this.options.logger.warn(
      { generation: this.keys.generation },
      'read models vanished from Redis (restarted empty?); projecting $all again from the start',
    );
    this.projectionReader.forget();
    if (this.keys.generation !== 1)
      await this.options.redis.set(
        ReadModelKeys.pointer(this.options.prefix),
        String(this.keys.generation),
        'NX',
      );
  }

  private report(envelope: RecordedEnvelope, status: ApplyStatus, expected: ApplyStatus): void {
    const where = { stream: envelope.streamName, revision: String(envelope.revision), eventId: envelope.id };
    if (status !== expected) {
      // Only another writer in the same generation can make the script disagree with the prediction.
      this.options.logger.error(
        { ...where, status, expected },
        'read model changed under the projector; rebuild this generation',
      );
    } else if (status === 'gap') {
      this.options.logger.error(
        where,
        'event is not the next revision of its stream; read model left unchanged',
      );
    }
  }
}
