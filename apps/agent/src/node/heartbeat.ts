import type Redis from 'ioredis';
import { AgentDataKeys } from '@libs/read-model';

/**
 * `HSET <prefix>agent:heartbeat <node id> <ms>` with the Redis server's clock, so the reconciler's liveness check
 * (which reads the same clock) never depends on the machines' clocks agreeing.
 */
const BEAT = `local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], ms)
return ms`;

export async function heartbeat(redis: Redis, keys: AgentDataKeys, nodeId: string): Promise<number> {
  return Number(await redis.eval(BEAT, 1, keys.heartbeats, nodeId));
}
