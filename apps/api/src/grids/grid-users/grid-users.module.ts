import { Module } from '@nestjs/common';
import { AssignGridUserHandler } from './assign-grid-user/assign-grid-user.handler';
import { AssignGridUserHttp } from './assign-grid-user/assign-grid-user.http';
import { GridUsersView } from './grid-users.view';
import { ListGridUsersHttp } from './list-grid-users/list-grid-users.http';
import { UnassignGridUserHandler } from './unassign-grid-user/unassign-grid-user.handler';
import { UnassignGridUserHttp } from './unassign-grid-user/unassign-grid-user.http';

/** A grid's users (kontena-behaviour.md §1 `/v1/grids/:grid/users`). */
@Module({
  controllers: [ListGridUsersHttp, AssignGridUserHttp, UnassignGridUserHttp],
  providers: [GridUsersView, AssignGridUserHandler, UnassignGridUserHandler],
})
export class GridUsersModule {}
