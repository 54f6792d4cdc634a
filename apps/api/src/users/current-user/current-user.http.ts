import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { UserDoc } from '@libs/read-model';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { renderUser } from '../user.view';

@ApiTags('users')
@Controller('v1/user')
export class CurrentUserHttp {
  constructor(private readonly readModels: ReadModels) {}

  @Get()
  @ApiOperation({ summary: 'The authenticated user' })
  async me(@Ctx() ctx: RequestContext) {
    const doc = await this.readModels.reader.doc<UserDoc>('user', ctx.user.email);
    return renderUser(doc!);
  }
}
