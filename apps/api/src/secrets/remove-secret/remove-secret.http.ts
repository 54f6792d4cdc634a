import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { RemoveSecretCommand } from './remove-secret.handler';

@ApiTags('secrets')
@Controller('v1/secrets')
export class RemoveSecretHttp {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':grid/:name')
  @ApiOperation({ summary: 'Remove a secret' })
  async remove(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('name') name: string) {
    await this.commands.execute(new RemoveSecretCommand(ctx, grid, name));
    return {};
  }
}
