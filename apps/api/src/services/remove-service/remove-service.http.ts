import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { RemoveServiceCommand } from './remove-service.handler';

@ApiTags('services')
@Controller('v1/services')
export class RemoveServiceHttp {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':grid/:stack/:service')
  @ApiOperation({ summary: 'Remove a service (refused while other services link to it)' })
  async remove(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
  ) {
    await this.commands.execute(new RemoveServiceCommand(ctx, grid, stack, name));
    return {};
  }
}
