import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { renderUser } from '../user.view';
import { AddUserRoleDto } from './add-user-role.dto';
import { AddUserRoleCommand } from './add-user-role.handler';

@ApiTags('users')
@Controller('v1/users')
export class AddUserRoleHttp {
  constructor(private readonly commands: CommandBus) {}

  @Post(':email/roles')
  @HttpCode(201)
  @Roles('master_admin')
  @ApiOperation({ summary: 'Give a user a role (master_admin)' })
  async add(@Ctx() ctx: RequestContext, @Param('email') email: string, @Body() body: AddUserRoleDto) {
    return renderUser(await this.commands.execute(new AddUserRoleCommand(ctx, email, body.role)));
  }
}
