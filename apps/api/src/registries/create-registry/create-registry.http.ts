import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { renderRegistry } from '../registry.view';
import { CreateRegistryCommand } from './create-registry.handler';
import { CreateRegistryDto } from './create-registry.dto';

@ApiTags('external registries')
@Controller('v1/grids')
export class CreateRegistryHttp {
  constructor(private readonly commands: CommandBus) {}

  @Post(':grid/external_registries')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add an external registry; a duplicate name is refused (Kontena answered 201 without saving)',
  })
  async create(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() body: CreateRegistryDto) {
    return renderRegistry(await this.commands.execute(new CreateRegistryCommand(ctx, grid, body)));
  }
}
