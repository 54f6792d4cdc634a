import { Module } from '@nestjs/common';
import { CreateServiceHandler } from './create-service/create-service.handler';
import { CreateServiceHttp } from './create-service/create-service.http';
import { RequestServiceDeployHandler } from './deploy-service/deploy-service.handler';
import { DeployServiceHttp } from './deploy-service/deploy-service.http';
import { GetServiceHttp } from './get-service/get-service.http';
import { GetServiceDeployHttp } from './get-service-deploy/get-service-deploy.http';
import { ListServicesHttp } from './list-services/list-services.http';
import { RemoveServiceHandler } from './remove-service/remove-service.handler';
import { RemoveServiceHttp } from './remove-service/remove-service.http';
import { ScaleServiceHttp } from './scale-service/scale-service.http';
import { ServiceReferences } from './service-definition/service-references';
import { ChangeServiceEnvHandler } from './service-envs/service-envs.handler';
import { ServiceEnvsHttp } from './service-envs/service-envs.http';
import { RescheduleServiceInstanceHandler } from './service-instances/reschedule-service-instance.handler';
import { RescheduleServiceInstanceHttp } from './service-instances/reschedule-service-instance.http';
import { ServiceInstancesHttp } from './service-instances/service-instances.http';
import { ChangeServiceLifecycleHandler } from './service-lifecycle/service-lifecycle.handler';
import { ServiceLifecycleHttp } from './service-lifecycle/service-lifecycle.http';
import { ServiceLookup } from './service-lookup';
import { ServiceView } from './service.view';
import { UpdateServiceHandler } from './update-service/update-service.handler';
import { UpdateServiceHttp } from './update-service/update-service.http';

@Module({
  controllers: [
    ListServicesHttp,
    CreateServiceHttp,
    GetServiceHttp,
    UpdateServiceHttp,
    RemoveServiceHttp,
    DeployServiceHttp,
    ScaleServiceHttp,
    ServiceLifecycleHttp,
    GetServiceDeployHttp,
    ServiceInstancesHttp,
    RescheduleServiceInstanceHttp,
    ServiceEnvsHttp,
  ],
  providers: [
    ServiceView,
    ServiceLookup,
    ServiceReferences,
    CreateServiceHandler,
    UpdateServiceHandler,
    RemoveServiceHandler,
    RequestServiceDeployHandler,
    ChangeServiceLifecycleHandler,
    RescheduleServiceInstanceHandler,
    ChangeServiceEnvHandler,
  ],
  exports: [ServiceView, ServiceLookup, ServiceReferences],
})
export class ServicesModule {}
