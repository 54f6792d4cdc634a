import { Module } from '@nestjs/common';
import { GridsModule } from '../grids/grids.module';
import { gridRemovalStep } from '../grids/remove-grid/remove-grid.handler';
import { CreateRegistryHandler } from './create-registry/create-registry.handler';
import { CreateRegistryHttp } from './create-registry/create-registry.http';
import { GetRegistryHttp } from './get-registry/get-registry.http';
import { ListRegistriesHttp } from './list-registries/list-registries.http';
import { RemoveGridRegistries } from './remove-grid-registries/remove-grid-registries.step';
import { RemoveRegistryHandler } from './remove-registry/remove-registry.handler';
import { RemoveRegistryHttp } from './remove-registry/remove-registry.http';

/** External (image) registries and their credentials (kontena-behaviour.md §2). */
@Module({
  imports: [GridsModule],
  controllers: [ListRegistriesHttp, CreateRegistryHttp, GetRegistryHttp, RemoveRegistryHttp],
  providers: [CreateRegistryHandler, RemoveRegistryHandler, ...gridRemovalStep(RemoveGridRegistries)],
})
export class RegistriesModule {}
