import type Redis from 'ioredis';
import type { ClientContext, Result } from 'ioredis';
import { APPLY_SCRIPT } from './apply-script';
import { ReadModelKeys } from './keys';
import type { ReadModelOp } from './ops';

export type ApplyStatus = 'applied' | 'duplicate' | 'gap';

/** One event's share of a batch: where it is in its stream and in `$all`, and what it changes. */
export interface ProjectedEvent {
  stream: string;
  revision: bigint;
  /** Its `$all` position as `<commit>/<prepare>`. */
  checkpoint: string;
  ops: readonly ReadModelOp[];
}

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    applyReadModelOps(checkpointKey: string, channel: string, batch: string): Result<ApplyStatus[], Context>;
  }
}

/** Writes read models: the projector's only way into Redis. */
export class ReadModelStore {
  constructor(
    private readonly redis: Redis,
    readonly keys: ReadModelKeys,
  ) {
    if (!(redis as { applyReadModelOps?: unknown }).applyReadModelOps)
      redis.defineCommand('applyReadModelOps', { numberOfKeys: 0, lua: APPLY_SCRIPT });
  }

  /** Applies an ordered batch in one atomic step; answers each event's status in order. */
  applyBatch(events: readonly ProjectedEvent[]): Promise<ApplyStatus[]> {
    if (events.length === 0) return Promise.resolve([]);
    const batch = events.map((e) => ({
      rk: this.keys.streamRevision(e.stream),
      rev: e.revision.toString(),
      cp: e.checkpoint,
      s: e.stream,
      ops: e.ops,
    }));
    return this.redis.applyReadModelOps(
      this.keys.checkpoint,
      this.keys.checkpointChannel,
      JSON.stringify(batch),
    );
  }

  async apply(
    stream: string,
    revision: bigint,
    checkpoint: string,
    ops: readonly ReadModelOp[],
  ): Promise<ApplyStatus> {
    const [status] = await this.applyBatch([{ stream, revision, checkpoint, ops }]);
    return status;
  }
}
