import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserDoc, userIndexes } from '@libs/read-model';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { isUserAdmin, operationNotAllowed } from '../user-admin';
import { renderUser } from '../user.view';

@ApiTags('users')
@Controller('v1/users')
export class ListUsersHttp {
  constructor(private readonly readModels: ReadModels) {}

  @Get()
  @ApiOperation({ summary: 'Every user (user_admin)' })
  async list(@Ctx() ctx: RequestContext) {
    if (!isUserAdmin(ctx.user)) throw operationNotAllowed();
    const reader = this.readModels.reader;
    const docs = await reader.docs<UserDoc>('user', await reader.ids(userIndexes.all));
    return { users: docs.map(renderUser) };
  }
}
