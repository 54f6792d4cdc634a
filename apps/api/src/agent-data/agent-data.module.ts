import { Module } from '@nestjs/common';
import { EventLogsModule } from '../event-logs/event-logs.module';
import { NodeFinder } from '../nodes/node-finder';
import { ServicesModule } from '../services/services.module';
import { StackLookup } from '../stacks/stack-lookup';
import { AgentData } from './agent-data';
import { ContainerLogSubjects } from './container-logs/container-log-subjects';
import { GridContainerLogsHttp } from './container-logs/grid-container-logs.http';
import { ServiceContainerLogsHttp } from './container-logs/service-container-logs.http';
import { StackContainerLogsHttp } from './container-logs/stack-container-logs.http';
import { GridMetricsHttp } from './metrics/grid-metrics.http';
import { MetricsMinutes } from './metrics/metrics-minutes';
import { NodeMetricsHttp } from './metrics/node-metrics.http';
import { ServiceMetricsHttp } from './metrics/service-metrics.http';
import { NodeHealthHttp } from './node-health/node-health.http';
import { NodeLiveness } from './node-liveness';
import { GridStatsHttp } from './stats/grid-stats.http';
import { NodeStatsHttp } from './stats/node-stats.http';
import { RunningContainers } from './stats/running-containers';
import { ServiceStatsHttp } from './stats/service-stats.http';

/**
 * The routes that answer from what agents report (docs/telemetry.md): container logs, stats, metrics and
 * node health; and the read-time part of the node JSON (`NodeLiveness`).
 */
@Module({
  imports: [ServicesModule, EventLogsModule],
  controllers: [
    GridContainerLogsHttp,
    StackContainerLogsHttp,
    ServiceContainerLogsHttp,
    GridStatsHttp,
    NodeStatsHttp,
    ServiceStatsHttp,
    GridMetricsHttp,
    NodeMetricsHttp,
    ServiceMetricsHttp,
    NodeHealthHttp,
  ],
  providers: [
    AgentData,
    NodeFinder,
    StackLookup,
    NodeLiveness,
    ContainerLogSubjects,
    RunningContainers,
    MetricsMinutes,
  ],
  exports: [NodeLiveness, ContainerLogSubjects],
})
export class AgentDataModule {}
