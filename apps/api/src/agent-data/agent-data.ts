import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AgentDataKeys } from '@libs/read-model';
import { ApiConfig } from '../config';
import { REDIS } from '../platform/tokens';

/**
 * What agents report that is not an event (`AgentDataKeys`: log lines, stats samples, metrics, heartbeats),
 * outside the read-model generations: a rebuild does not touch it, and the api only reads it.
 */
@Injectable()
export class AgentData {
  readonly keys: AgentDataKeys;

  constructor(
    @Inject(REDIS) readonly redis: Redis,
    config: ApiConfig,
  ) {
    this.keys = new AgentDataKeys(config.REDIS_PREFIX);
  }
}
