import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TokenDoc, UserDoc, userIndexes } from '@libs/read-model';
import { Ctx, RequestContext } from '../../../common/http/request-context';
import { ApiConfig } from '../../../config';
import { ReadModels } from '../../../platform/read-models';
import { renderToken } from '../../token.view';

@ApiTags('oauth2')
@Controller('oauth2/tokens')
export class ListTokensHttp {
  constructor(
    private readonly readModels: ReadModels,
    private readonly config: ApiConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: "The caller's own tokens and codes, oldest first (secrets are never shown again)" })
  async list(@Ctx() ctx: RequestContext) {
    const reader = this.readModels.reader;
    const [docs, owner] = await Promise.all([
      reader.docs<TokenDoc>('token', await reader.ids(userIndexes.tokens(ctx.user.email))),
      reader.doc<UserDoc>('user', ctx.user.email),
    ]);
    return { tokens: docs.map((doc) => renderToken(doc, owner!, this.config.SERVER_NAME, ctx.now)) };
  }
}
