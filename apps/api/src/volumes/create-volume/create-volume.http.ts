import { GridNotFoundMessage } from '../../common/auth/grid-rights';
import { gridNotFound } from '../volume-grid';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { VolumeView } from '../volume.view';
import { CreateVolumeCommand } from './create-volume.handler';
import { CreateVolumeDto } from './create-volume.dto';

@ApiTags('volumes')
@Controller('v1/volumes')
export class CreateVolumeHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: VolumeView,
  ) {}

  @GridNotFoundMessage(gridNotFound)
  @Post(':grid')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a volume' })
  async create(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() body: CreateVolumeDto) {
    return this.view.render(await this.commands.execute(new CreateVolumeCommand(ctx, grid, body)));
  }
}
