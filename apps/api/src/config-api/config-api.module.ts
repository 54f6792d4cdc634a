import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { ClearConfigHandler } from './clear-config/clear-config.handler';
import { ClearConfigHttp } from './clear-config/clear-config.http';
import { ConfigChanges } from './config-changes';
import { GetConfigValueHttp } from './get-config-value/get-config-value.http';
import { GetConfigHttp } from './get-config/get-config.http';
import { MasterConfig } from './master-config';
import { RemoveConfigValueHandler } from './remove-config-value/remove-config-value.handler';
import { RemoveConfigValueHttp } from './remove-config-value/remove-config-value.http';
import { ReplaceConfigHandler } from './replace-config/replace-config.handler';
import { ReplaceConfigHttp } from './replace-config/replace-config.http';
import { UpdateConfigHandler } from './update-config/update-config.handler';
import { UpdateConfigHttp } from './update-config/update-config.http';

/** `/v1/config` (master_admin; kontena-behaviour.md §1, §8, §9): one stream, `config-master`. */
@Module({
  imports: [UsersModule],
  controllers: [GetConfigHttp, GetConfigValueHttp, UpdateConfigHttp, ReplaceConfigHttp, ClearConfigHttp, RemoveConfigValueHttp],
  providers: [MasterConfig, ConfigChanges, UpdateConfigHandler, ReplaceConfigHandler, ClearConfigHandler, RemoveConfigValueHandler],
  exports: [MasterConfig],
})
export class ConfigApiModule {}
