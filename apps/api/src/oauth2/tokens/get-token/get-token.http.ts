import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../../common/http/request-context';
import { ApiConfig } from '../../../config';
import { renderToken } from '../../token.view';
import { OwnedToken } from '../owned-token';

@ApiTags('oauth2')
@Controller('oauth2/tokens')
export class GetTokenHttp {
  constructor(
    private readonly tokens: OwnedToken,
    private readonly config: ApiConfig,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'A token by id or by its value (its owner or a master_admin)' })
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    const { doc, owner } = await this.tokens.find(ctx.user, id);
    return renderToken(doc, owner, this.config.SERVER_NAME, ctx.now);
  }
}
