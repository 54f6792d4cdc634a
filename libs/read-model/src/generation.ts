import type Redis from 'ioredis';
import { ReadModelKeys } from './keys';

/** The generation readers use; 1 until the first rebuild switches. */
export async function currentGeneration(redis: Redis, prefix: string): Promise<number> {
  const raw = await redis.get(ReadModelKeys.pointer(prefix));
  return raw === null ? 1 : Number(raw);
}

/** Moves readers and the live projector to `generation` atomically (DESIGN.md §4 rebuild). */
export async function switchGeneration(redis: Redis, prefix: string, generation: number): Promise<void> {
  await redis
    .multi()
    .set(ReadModelKeys.pointer(prefix), String(generation))
    .publish(ReadModelKeys.switchChannel(prefix), String(generation))
    .exec();
}
