import { Controller, Delete, HttpCode } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ClearConfigCommand } from './clear-config.handler';

@ApiTags('config')
@Controller('v1/config')
export class ClearConfigHttp {
  constructor(private readonly commands: CommandBus) {}

  @Delete()
  @HttpCode(201)
  @Roles('master_admin')
  @ApiOperation({ summary: 'Clear the configuration (master_admin)' })
  async clear(@Ctx() ctx: RequestContext) {
    await this.commands.execute(new ClearConfigCommand(ctx));
    return {};
  }
}
