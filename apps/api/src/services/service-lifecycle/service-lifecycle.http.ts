import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ChangeServiceLifecycleCommand, LifecycleAction } from './service-lifecycle.handler';

@ApiTags('services')
@Controller('v1/services')
export class ServiceLifecycleHttp {
  constructor(private readonly commands: CommandBus) {}

  @Post(':grid/:stack/:service/start')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start a service (desired state running)' })
  start(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
  ) {
    return this.run(ctx, grid, stack, name, 'start');
  }

  @Post(':grid/:stack/:service/stop')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a service (desired state stopped)' })
  stop(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
  ) {
    return this.run(ctx, grid, stack, name, 'stop');
  }

  @Post(':grid/:stack/:service/restart')
  @HttpCode(200)
  @ApiOperation({ summary: "Restart a service's instances" })
  restart(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
  ) {
    return this.run(ctx, grid, stack, name, 'restart');
  }

  private async run(ctx: RequestContext, grid: string, stack: string, name: string, action: LifecycleAction) {
    await this.commands.execute(new ChangeServiceLifecycleCommand(ctx, grid, stack, name, action));
    return {};
  }
}
