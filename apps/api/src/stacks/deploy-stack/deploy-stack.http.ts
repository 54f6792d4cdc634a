import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { StackView } from '../stack.view';
import { DeployStackCommand } from './deploy-stack.handler';

@ApiTags('stacks')
@Controller('v1/stacks')
export class DeployStackHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: StackView,
  ) {}

  @Post(':grid/:stack/deploy')
  @HttpCode(200)
  @ApiOperation({ summary: "Deploy a stack's latest revision; answers with the stack deploy to follow" })
  async deploy(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('stack') name: string) {
    const { deploy, deploys, services } = await this.commands.execute(
      new DeployStackCommand(ctx, grid, name),
    );
    return this.view.renderDeploy(deploy, { deploys, services });
  }
}
