import { Module } from '@nestjs/common';
import { ServicesModule } from '../services/services.module';
import { CreateStackHandler } from './create-stack/create-stack.handler';
import { CreateStackHttp } from './create-stack/create-stack.http';
import { DeployStackHandler } from './deploy-stack/deploy-stack.handler';
import { DeployStackHttp } from './deploy-stack/deploy-stack.http';
import { GetStackHttp } from './get-stack/get-stack.http';
import { GetStackDeployHttp } from './get-stack-deploy/get-stack-deploy.http';
import { ListStacksHttp } from './list-stacks/list-stacks.http';
import { PatchStackHandler } from './patch-stack/patch-stack.handler';
import { PatchStackHttp } from './patch-stack/patch-stack.http';
import { RemoveStackHandler } from './remove-stack/remove-stack.handler';
import { RemoveStackHttp } from './remove-stack/remove-stack.http';
import { StackFileCheck } from './stack-definition/stack-file-check';
import { StackServices } from './stack-definition/stack-services';
import { ChangeStackLifecycleHandler } from './stack-lifecycle/stack-lifecycle.handler';
import { StackLifecycleHttp } from './stack-lifecycle/stack-lifecycle.http';
import { StackLookup } from './stack-lookup';
import { StackView } from './stack.view';
import { UpdateStackHandler } from './update-stack/update-stack.handler';
import { UpdateStackHttp } from './update-stack/update-stack.http';

@Module({
  imports: [ServicesModule],
  controllers: [
    ListStacksHttp,
    CreateStackHttp,
    GetStackHttp,
    UpdateStackHttp,
    PatchStackHttp,
    RemoveStackHttp,
    DeployStackHttp,
    StackLifecycleHttp,
    GetStackDeployHttp,
  ],
  providers: [
    StackView,
    StackLookup,
    StackFileCheck,
    StackServices,
    CreateStackHandler,
    UpdateStackHandler,
    PatchStackHandler,
    RemoveStackHandler,
    DeployStackHandler,
    ChangeStackLifecycleHandler,
  ],
})
export class StacksModule {}
