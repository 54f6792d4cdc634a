import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ChangeStackLifecycleCommand } from './stack-lifecycle.handler';

@ApiTags('stacks')
@Controller('v1/stacks')
export class StackLifecycleHttp {
  constructor(private readonly commands: CommandBus) {}

  @Post(':grid/:stack/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop every service of the stack' })
  async stop(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('stack') name: string) {
    await this.commands.execute(new ChangeStackLifecycleCommand(ctx, grid, name, 'stop'));
    return {};
  }

  @Post(':grid/:stack/restart')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restart every service of the stack' })
  async restart(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('stack') name: string) {
    await this.commands.execute(new ChangeStackLifecycleCommand(ctx, grid, name, 'restart'));
    return {};
  }
}
