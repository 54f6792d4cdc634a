import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { RemoveRegistryCommand } from './remove-registry.handler';

@ApiTags('external registries')
@Controller('v1/external_registries')
export class RemoveRegistryHttp {
  constructor(private readonly commands: CommandBus) {}

  /** Kontena answered 200 with an empty body; `{}` is what every other removal answers and any JSON client parses. */
  @Delete(':grid/:name')
  @ApiOperation({ summary: 'Remove an external registry' })
  async remove(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('name') name: string) {
    await this.commands.execute(new RemoveRegistryCommand(ctx, grid, name));
    return {};
  }
}
