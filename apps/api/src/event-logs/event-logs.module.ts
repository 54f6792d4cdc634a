import { Module } from '@nestjs/common';
import { EventLogDelivery } from './event-log-delivery';
import { EventLogPages } from './event-log-pages';
import { EventLogSubjects } from './event-log-subjects';
import { EventLogsConfig, loadEventLogsConfig } from './event-logs.config';
import { EventLogTail } from './follow/event-log-tail';
import { GridEventLogsHttp } from './grid-event-logs/grid-event-logs.http';
import { NodeEventLogsHttp } from './node-event-logs/node-event-logs.http';
import { ServiceEventLogsHttp } from './service-event-logs/service-event-logs.http';
import { StackEventLogsHttp } from './stack-event-logs/stack-event-logs.http';

/** Grid, stack, service and node event logs (kontena-behaviour.md §6), paged and followed. */
@Module({
  controllers: [GridEventLogsHttp, StackEventLogsHttp, ServiceEventLogsHttp, NodeEventLogsHttp],
  providers: [
    { provide: EventLogsConfig, useFactory: () => loadEventLogsConfig() },
    EventLogSubjects,
    EventLogPages,
    EventLogTail,
    EventLogDelivery,
  ],
  // One tail per process, shared with the container logs (DESIGN.md §4, Kontena #2720).
  exports: [EventLogDelivery],
})
export class EventLogsModule {}
