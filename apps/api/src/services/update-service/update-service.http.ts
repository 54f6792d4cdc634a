import { Body, Controller, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ServiceView } from '../service.view';
import { UpdateServiceDto } from './update-service.dto';
import { UpdateServiceCommand } from './update-service.handler';

@ApiTags('services')
@Controller('v1/services')
export class UpdateServiceHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: ServiceView,
  ) {}

  @Put(':grid/:stack/:service')
  @ApiOperation({ summary: 'Update a service (given attributes only); honours If-Match' })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
    @Body() body: UpdateServiceDto,
  ) {
    const { grid: gridDoc, service } = await this.commands.execute(
      new UpdateServiceCommand(ctx, grid, stack, name, body),
    );
    return this.view.render(service, gridDoc);
  }
}
