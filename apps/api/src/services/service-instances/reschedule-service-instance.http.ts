import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { RescheduleServiceInstanceCommand } from './reschedule-service-instance.handler';

@ApiTags('services')
@Controller('v1/services')
export class RescheduleServiceInstanceHttp {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':grid/:stack/:service/instances/:id')
  @ApiOperation({ summary: 'Take an instance off its node so it is scheduled again' })
  async reschedule(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
    @Param('id') id: string,
  ) {
    await this.commands.execute(new RescheduleServiceInstanceCommand(ctx, grid, stack, name, id));
    return {};
  }
}
