import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EventStoreHealth } from './event-store.health';
import { RedisHealth } from './redis.health';
import { SystemHttp } from './system.http';

@Module({ imports: [TerminusModule], controllers: [SystemHttp], providers: [EventStoreHealth, RedisHealth] })
export class SystemModule {}
