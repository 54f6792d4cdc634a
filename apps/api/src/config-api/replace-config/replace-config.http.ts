import { Body, Controller, HttpCode, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { configBody } from '../config-body';
import { ReplaceConfigCommand } from './replace-config.handler';

@ApiTags('config')
@Controller('v1/config')
export class ReplaceConfigHttp {
  constructor(private readonly commands: CommandBus) {}

  @Put()
  @HttpCode(201)
  @Roles('master_admin')
  @ApiOperation({ summary: 'Replace the whole configuration (master_admin)' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true, example: { 'server.root_url': 'https://master.example.com' } } })
  async replace(@Ctx() ctx: RequestContext, @Body() body: Record<string, unknown>) {
    await this.commands.execute(new ReplaceConfigCommand(ctx, configBody(body)));
    return {};
  }
}
