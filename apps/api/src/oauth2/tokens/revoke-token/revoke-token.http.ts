import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../../common/http/request-context';
import { RevokeTokenCommand } from './revoke-token.handler';

@ApiTags('oauth2')
@Controller('oauth2/tokens')
export class RevokeTokenHttp {
  constructor(private readonly commands: CommandBus) {}

  /** Kontena answers 201 with an empty body (tokens_api.rb). */
  @Delete(':id')
  @HttpCode(201)
  @ApiOperation({ summary: 'Revoke a token (its owner or a master_admin); 201 with an empty body' })
  async revoke(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    await this.commands.execute(new RevokeTokenCommand(ctx, id));
  }
}
