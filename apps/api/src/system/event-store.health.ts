import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EventStoreDBClient } from '@eventstore/db-client';
import { headOfAll } from '@libs/eventstore';

/** Healthy when the event store answers a one-event read of `$all` within a second. */
@Injectable()
export class EventStoreHealth {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key = 'eventstore') {
    const indicator = this.indicators.check(key);
    try {
      await Promise.race([
        headOfAll(this.client),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000)),
      ]);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
