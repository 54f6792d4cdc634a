import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { RemoveUserCommand } from './remove-user.handler';

@ApiTags('users')
@Controller('v1/users')
export class RemoveUserHttp {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':email')
  @ApiOperation({ summary: 'Remove a user with their tokens and grid memberships (user_admin; not yourself)' })
  async remove(@Ctx() ctx: RequestContext, @Param('email') email: string) {
    await this.commands.execute(new RemoveUserCommand(ctx, email));
    return {};
  }
}
