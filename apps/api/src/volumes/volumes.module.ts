import { Module } from '@nestjs/common';
import { GridsModule } from '../grids/grids.module';
import { gridRemovalStep } from '../grids/remove-grid/remove-grid.handler';
import { CreateVolumeHandler } from './create-volume/create-volume.handler';
import { CreateVolumeHttp } from './create-volume/create-volume.http';
import { GetVolumeHttp } from './get-volume/get-volume.http';
import { ListVolumesHttp } from './list-volumes/list-volumes.http';
import { RemoveGridVolumes } from './remove-grid-volumes/remove-grid-volumes.step';
import { RemoveVolumeHandler } from './remove-volume/remove-volume.handler';
import { RemoveVolumeHttp } from './remove-volume/remove-volume.http';
import { VolumeView } from './volume.view';

/** Grid volumes (kontena-behaviour.md §2 Volumes). */
@Module({
  imports: [GridsModule],
  controllers: [ListVolumesHttp, CreateVolumeHttp, GetVolumeHttp, RemoveVolumeHttp],
  providers: [VolumeView, CreateVolumeHandler, RemoveVolumeHandler, ...gridRemovalStep(RemoveGridVolumes)],
})
export class VolumesModule {}
