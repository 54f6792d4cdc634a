import { Body, Controller, HttpCode, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { configBody } from '../config-body';
import { UpdateConfigCommand } from './update-config.handler';

@ApiTags('config')
@Controller('v1/config')
export class UpdateConfigHttp {
  constructor(private readonly commands: CommandBus) {}

  @Patch()
  @HttpCode(201)
  @Roles('master_admin')
  @ApiOperation({ summary: 'Upsert configuration keys (master_admin); `_secret` keys are stored sealed' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true, example: { 'oauth2.client_id': 'abc' } } })
  async update(@Ctx() ctx: RequestContext, @Body() body: Record<string, unknown>) {
    await this.commands.execute(new UpdateConfigCommand(ctx, configBody(body)));
    return {};
  }
}
