import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../common/auth/decorators';
import { HttpProblem } from '../common/http/errors';
import { VERSION } from '../version';
import { EventStoreHealth } from './event-store.health';
import { RedisHealth } from './redis.health';

@ApiTags('system')
@Controller()
export class SystemHttp {
  constructor(
    private readonly health: HealthCheckService,
    private readonly eventStore: EventStoreHealth,
    private readonly redis: RedisHealth,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Server identity' })
  root() {
    return { name: 'Kontena Master', tagline: 'The Container Platform', version: VERSION };
  }

  /** `pong`, or 500 when a backing service is down (kontena-behaviour.md §1). */
  @Get('v1/ping')
  @Public()
  @ApiOperation({ summary: 'Liveness of the api and its backing services' })
  async ping() {
    const results = await Promise.all([this.eventStore.check(), this.redis.check()]);
    if (results.some((r) => Object.values(r).some((s) => s.status !== 'up'))) throw new HttpProblem(500, { error: 'Internal server error' });
    return { message: 'pong' };
  }

  @Get('health')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Health of the event store and Redis (terminus)' })
  check() {
    return this.health.check([() => this.eventStore.check(), () => this.redis.check()]);
  }
}
