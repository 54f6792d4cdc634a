import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { GridContainers } from '../grid-containers';
import { isRunningContainer } from '../container.view';

@ApiTags('containers')
@Controller('v1/containers')
export class ListGridContainersHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly containers: GridContainers,
  ) {}

  /** Running containers only unless `all` is given (any value but `false`/`0`), as Kontena. */
  @Get(':grid')
  @ApiOperation({ summary: "A grid's containers, by node and name" })
  @ApiQuery({ name: 'all', required: false, description: 'Include containers that are not running' })
  async list(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Query('all') all?: unknown) {
    const doc = await this.access.member(ctx.user, grid);
    const everything = typeof all === 'string' && all !== 'false' && all !== '0';
    return { containers: await this.containers.ofGrid(doc, everything ? () => true : isRunningContainer) };
  }
}
