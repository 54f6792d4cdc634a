import { GridNotFoundMessage } from '../../common/auth/grid-rights';
import { gridNotFound } from '../volume-grid';
import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { RemoveVolumeCommand } from './remove-volume.handler';

@ApiTags('volumes')
@Controller('v1/volumes')
export class RemoveVolumeHttp {
  constructor(private readonly commands: CommandBus) {}

  @GridNotFoundMessage(gridNotFound)
  @Delete(':grid/:name')
  @ApiOperation({ summary: 'Remove a volume that no service uses' })
  async remove(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('name') name: string) {
    await this.commands.execute(new RemoveVolumeCommand(ctx, grid, name));
    return {};
  }
}
