import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { renderUser } from '../user.view';
import { RemoveUserRoleCommand } from './remove-user-role.handler';

@ApiTags('users')
@Controller('v1/users')
export class RemoveUserRoleHttp {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':email/roles/:role')
  @Roles('master_admin')
  @ApiOperation({ summary: 'Take a role from a user (master_admin); the last master_admin keeps it' })
  async remove(@Ctx() ctx: RequestContext, @Param('email') email: string, @Param('role') role: string) {
    return renderUser(await this.commands.execute(new RemoveUserRoleCommand(ctx, email, role)));
  }
}
