import { Module } from '@nestjs/common';
import { CreateGridHandler } from './create-grid/create-grid.handler';
import { CreateGridHttp } from './create-grid/create-grid.http';
import { GetGridHttp } from './get-grid/get-grid.http';
import { GridView } from './grid.view';
import { ListGridsHttp } from './list-grids/list-grids.http';
import { GRID_REMOVAL_STEPS, GridRemovalStep, RemoveGridHandler } from './remove-grid/remove-grid.handler';
import { RemoveGridHttp } from './remove-grid/remove-grid.http';
import { UpdateGridHandler } from './update-grid/update-grid.handler';
import { UpdateGridHttp } from './update-grid/update-grid.http';

@Module({
  controllers: [ListGridsHttp, CreateGridHttp, GetGridHttp, UpdateGridHttp, RemoveGridHttp],
  providers: [
    GridView,
    CreateGridHandler,
    UpdateGridHandler,
    RemoveGridHandler,
    // Filled by the features that own grid-scoped resources (`gridRemovalStep`).
    { provide: GRID_REMOVAL_STEPS, useFactory: (): GridRemovalStep[] => [] },
  ],
  exports: [GridView, GRID_REMOVAL_STEPS],
})
export class GridsModule {}
