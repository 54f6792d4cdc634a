import type Redis from 'ioredis';
import type { ClientContext, Result } from 'ioredis';
import { APPLY_SCRIPT, READ_MODELS_VANISHED } from './apply-script';
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
    applyReadModelOps(
      checkpointKey: string,
      channel: string,
      batch: string,
      expectCheckpoint: '0' | '1',
    ): Result<ApplyStatus[], Context>;
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

  /**
   * Applies an ordered batch in one atomic step; answers each event's status in order. With
   * `expectCheckpoint`, fails with a `VANISHED` error (`isReadModelsVanished`) when the checkpoint is gone.
   */
  applyBatch(events: readonly ProjectedEvent[], expectCheckpoint = false): Promise<ApplyStatus[]> {
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
      expectCheckpoint ? '1' : '0',
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

/** The error `applyBatch` fails with when Redis no longer holds the checkpoint its writer had seen. */
export function isReadModelsVanished(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith(READ_MODELS_VANISHED);
}
