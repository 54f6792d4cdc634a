import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ServiceView } from '../service.view';
import { CreateServiceDto } from './create-service.dto';
import { CreateServiceCommand } from './create-service.handler';

@ApiTags('services')
@Controller('v1/grids')
export class CreateServiceHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: ServiceView,
  ) {}

  @Post(':grid/services')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a service (outside any stack); it is not deployed yet' })
  async create(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() body: CreateServiceDto) {
    const { grid: gridDoc, service } = await this.commands.execute(new CreateServiceCommand(ctx, grid, body));
    return this.view.render(service, gridDoc);
  }
}
