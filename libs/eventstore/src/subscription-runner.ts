import {
  AllStreamSubscription,
  EventStoreDBClient,
  excludeSystemEvents,
  Filter,
  ResolvedEvent,
  START,
} from '@eventstore/db-client';
import type { Readable } from 'node:stream';
import { fromResolvedEvent, RecordedEnvelope } from './envelope';
import type { AllPosition } from './positions';

/** Where a subscriber remembers how far it got. */
export interface CheckpointStore {
  load(): Promise<AllPosition | undefined>;
  /**
   * Called after each handled event and at the server's filter checkpoints. Stores that commit the
   * checkpoint together with the handler's own writes (the projector does, DESIGN.md §4) leave it out.
   */
  save?(position: AllPosition): Promise<void>;
}

export interface SubscriptionLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SubscriptionRunnerOptions {
  name: string;
  client: EventStoreDBClient;
  checkpoints: CheckpointStore;
  /** Handles one event; the next is not delivered until this resolves. A throw resubscribes from the last checkpoint. */
  handle?(event: RecordedEnvelope): Promise<void>;
  /**
   * Instead of `handle`: events already buffered by the subscription come together, in order, up to
   * `maxBatch`, so a handler that applies several in one step (the projector) catches up faster.
   */
  handleBatch?(events: readonly RecordedEnvelope[]): Promise<void>;
  maxBatch?: number;
  /** Server-side filter; defaults to excluding system events. */
  filter?: (checkpointReached: (position: AllPosition) => Promise<void>) => Filter;
  logger: SubscriptionLogger;
  onCaughtUp?(): void;
  backoff?: { initialMs: number; maxMs: number };
}

const defaultFilter = (checkpointReached: (position: AllPosition) => Promise<void>) =>
  excludeSystemEvents({ checkpointReached: (_subscription, position) => checkpointReached(position) });

/**
 * A filter checkpoint, queued behind the events that came before it. The client reports checkpoints
 * while transforming, when earlier events may still wait in the stream's buffer; saving one then would
 * put the checkpoint past events not yet handled (a rebuild stopped early; read-your-writes answered
 * before the change was visible; a crash would skip them).
 */
class FilterCheckpoint {
  constructor(readonly position: AllPosition) {}
}

/**
 * Follows `$all` strictly in order. Events are taken with `for await`, never an async `on('data')`
 * listener, because the emitter does not wait and checkpoints would land out of order (STYLE.md).
 * Errors resubscribe from the last stored checkpoint with exponential back-off; `stop()` ends cleanly
 * after the event in hand.
 */
export class SubscriptionRunner {
  private stopped = false;
  private current?: AllStreamSubscription;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly options: SubscriptionRunnerOptions) {}

  start(): this {
    this.loop ??= this.run();
    return this;
  }

  /** Resolves once the loop has exited; the event being handled, if any, is finished first. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.current?.unsubscribe().catch(() => undefined);
    await this.loop;
  }

  /**
   * Ends the current subscription so the loop subscribes again from what `load()` answers now (the
   * projector, when Redis lost its checkpoint). A no-op when stopped or between subscriptions.
   */
  async resubscribe(): Promise<void> {
    await this.current?.unsubscribe().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const { name, client, checkpoints, logger } = this.options;
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 100, maxMs: 10_000 };
    let delay = initialMs;

    while (!this.stopped) {
      try {
        const from = await checkpoints.load();
        const saveCheckpoint = async (position: AllPosition) => {
          if (!this.stopped) await checkpoints.save?.(position);
        };
        const queueCheckpoint = async (position: AllPosition) => {
          subscription.push(new FilterCheckpoint(position));
        };
        const subscription = client.subscribeToAll({
          fromPosition: from ?? START,
          filter: (this.options.filter ?? defaultFilter)(queueCheckpoint),
        });
        this.current = subscription;
        subscription.on('caughtUp', () => this.options.onCaughtUp?.());
        logger.info({ subscription: name, from: from ? String(from.commit) : 'start' }, 'subscribed to $all');

        const { handle, handleBatch } = this.options;
        const maxBatch = handleBatch ? Math.max(1, this.options.maxBatch ?? 256) : 1;
        const buffered = subscription as unknown as Readable;
        let batch: RecordedEnvelope[] = [];
        let batchEnd: AllPosition | undefined;
        const flush = async () => {
          if (batch.length && handleBatch) await handleBatch(batch);
          else for (const envelope of batch) await handle?.(envelope);
          batch = [];
          if (batchEnd) await saveCheckpoint(batchEnd);
          batchEnd = undefined;
        };

        for await (const resolved of subscription as AsyncIterable<ResolvedEvent | FilterCheckpoint>) {
          if (this.stopped) break;
          if (resolved instanceof FilterCheckpoint) {
            await flush();
            await saveCheckpoint(resolved.position);
            continue;
          }
          const envelope = fromResolvedEvent(resolved);
          if (envelope) batch.push(envelope);
          batchEnd = envelope?.position ?? resolved.event?.position ?? batchEnd;
          // Hand over what has arrived: at once when nothing else waits in the buffer, else up to maxBatch.
          if (batch.length >= maxBatch || buffered.readableLength === 0) await flush();
          delay = initialMs;
        }
        if (!this.stopped) throw new Error('subscription ended by the server');
      } catch (error) {
        if (this.stopped) break;
        logger.warn(
          { subscription: name, err: error, retryInMs: delay },
          'subscription failed; resubscribing',
        );
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, delay);
        });
        delay = Math.min(delay * 2, maxMs);
      } finally {
        await this.current?.unsubscribe().catch(() => undefined);
        this.current = undefined;
      }
    }
    logger.info({ subscription: name }, 'subscription stopped');
  }
}
