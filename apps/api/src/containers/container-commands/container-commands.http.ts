import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { GridAccess } from '../../common/auth/grid-access';
import { HttpProblem } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { GridContainers } from '../grid-containers';

/**
 * Kontena answered these by calling the node's agent over its websocket RPC (`/containers/top`, `inspect`,
 * `exec`) and waiting for the reply. Our agents take work from queues and report back; they have no channel
 * on which the master can ask a question and wait for the answer, so these routes check the caller and the
 * container (401, 403, 404 as every container route) and then say plainly that the feature is missing,
 * instead of answering with something that is not the engine's view.
 */
function needsAgentRpc(what: string): HttpProblem {
  return new HttpProblem(501, {
    error: `Not implemented: container ${what} needs a request-reply channel to the node agent, which this master does not have yet`,
  });
}

@Controller('v1/containers')
export class ContainerCommandsHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly containers: GridContainers,
  ) {}

  private async found(ctx: RequestContext, grid: string, node: string, name: string): Promise<void> {
    await this.containers.instance(await this.access.member(ctx.user, grid), node, name);
  }

  @Get(':grid/:node/:name/top')
  @ApiOperation({ summary: "The container's processes (not implemented: 501)" })
  async top(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Param('name') name: string,
  ): Promise<never> {
    await this.found(ctx, grid, node, name);
    throw needsAgentRpc('top');
  }

  @Get(':grid/:node/:name/inspect')
  @ApiOperation({ summary: "The engine's inspect JSON of the container (not implemented: 501)" })
  async inspect(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Param('name') name: string,
  ): Promise<never> {
    await this.found(ctx, grid, node, name);
    throw needsAgentRpc('inspect');
  }

  @Post(':grid/:node/:name/exec')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a command in the container (not implemented: 501)' })
  async exec(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('node') node: string,
    @Param('name') name: string,
    @Body() _body: unknown,
  ): Promise<never> {
    await this.found(ctx, grid, node, name);
    throw needsAgentRpc('exec');
  }
}
