import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { GridContainers } from '../grid-containers';

@ApiTags('containers')
@Controller('v1/containers')
export class GetContainerHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly containers: GridContainers,
  ) {}

  /** A container by its path `<grid>/<node>/<name>` (the `id` the listings show). */
  @Get(':grid/:node/:name')
  @ApiOperation({ summary: 'One container, by node and name' })
  async get(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Param('name') name: string,
  ) {
    const doc = await this.access.member(ctx.user, grid);
    return this.containers.one(doc, node, name);
  }
}
