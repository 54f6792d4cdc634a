import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { RemoveConfigValueCommand } from './remove-config-value.handler';

@ApiTags('config')
@Controller('v1/config')
export class RemoveConfigValueHttp {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':key')
  @HttpCode(201)
  @Roles('master_admin')
  @ApiOperation({ summary: 'Remove one configuration key (master_admin)' })
  async remove(@Ctx() ctx: RequestContext, @Param('key') key: string) {
    await this.commands.execute(new RemoveConfigValueCommand(ctx, key));
    return {};
  }
}
