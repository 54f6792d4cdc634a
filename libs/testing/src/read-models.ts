import type Redis from 'ioredis';
import {
  currentGeneration,
  ReadModelKeys,
  ReadModelReader,
  serviceIndexes,
  ServiceInstanceDoc,
} from '@libs/read-model';

/**
 * A reader of the generation the api serves right now: it moves with `projector:rebuild` and when Redis comes
 * back empty, so tests and benchmarks look it up on every read rather than keep one.
 */
export async function currentReader(redis: Redis, prefix: string): Promise<ReadModelReader> {
  return new ReadModelReader(redis, new ReadModelKeys(prefix, await currentGeneration(redis, prefix)));
}

/** A service's instance documents, by instance number (with the reconciler's fields: node, ports, …). */
export async function serviceInstances(
  redis: Redis,
  prefix: string,
  serviceId: string,
): Promise<ServiceInstanceDoc[]> {
  const reader = await currentReader(redis, prefix);
  return reader.docs<ServiceInstanceDoc>('instance', await reader.ids(serviceIndexes.instances(serviceId)));
}
