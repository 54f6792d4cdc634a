import { Module } from '@nestjs/common';
import { AddUserRoleHandler } from './add-user-role/add-user-role.handler';
import { AddUserRoleHttp } from './add-user-role/add-user-role.http';
import { CurrentUserHttp } from './current-user/current-user.http';
import { ExternalIdentities } from './external-identities';
import { InitialAdmin } from './initial-admin';
import { ListUsersHttp } from './list-users/list-users.http';
import { RemoveUserRoleHandler } from './remove-user-role/remove-user-role.handler';
import { RemoveUserRoleHttp } from './remove-user-role/remove-user-role.http';
import { RemoveUserHandler } from './remove-user/remove-user.handler';
import { RemoveUserHttp } from './remove-user/remove-user.http';

@Module({
  controllers: [CurrentUserHttp, ListUsersHttp, RemoveUserHttp, AddUserRoleHttp, RemoveUserRoleHttp],
  providers: [InitialAdmin, ExternalIdentities, RemoveUserHandler, AddUserRoleHandler, RemoveUserRoleHandler],
  exports: [ExternalIdentities],
})
export class UsersModule {}
