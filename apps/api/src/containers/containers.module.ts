import { Module } from '@nestjs/common';
import { AgentDataModule } from '../agent-data/agent-data.module';
import { EventLogsModule } from '../event-logs/event-logs.module';
import { ServicesModule } from '../services/services.module';
import { ContainerCommandsHttp } from './container-commands/container-commands.http';
import { ContainerLogsHttp } from './container-logs/container-logs.http';
import { GetContainerHttp } from './get-container/get-container.http';
import { GridContainers } from './grid-containers';
import { ListGridContainersHttp } from './list-grid-containers/list-grid-containers.http';
import { ServiceContainersHttp } from './service-containers/service-containers.http';

/** Containers: the service instances their nodes report on, in Kontena's container JSON (container.view.ts). */
@Module({
  imports: [AgentDataModule, ServicesModule, EventLogsModule],
  controllers: [
    ListGridContainersHttp,
    GetContainerHttp,
    ServiceContainersHttp,
    ContainerLogsHttp,
    ContainerCommandsHttp,
  ],
  providers: [GridContainers],
  exports: [GridContainers],
})
export class ContainersModule {}
