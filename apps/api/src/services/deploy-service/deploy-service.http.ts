import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ServiceView } from '../service.view';
import { DeployServiceDto } from './deploy-service.dto';
import { RequestServiceDeployCommand } from './deploy-service.handler';

@ApiTags('services')
@Controller('v1/services')
export class DeployServiceHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: ServiceView,
  ) {}

  /** Kontena answers 200 (not 202) with the deploy record. */
  @Post(':grid/:stack/:service/deploy')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deploy a service; answers with the deploy record to follow' })
  async deploy(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
    @Body() body: DeployServiceDto,
  ) {
    const { deploy, service } = await this.commands.execute(
      new RequestServiceDeployCommand(ctx, grid, stack, name, { kind: 'deploy', force: body.force ?? false }),
    );
    return this.view.renderDeploy(deploy, service);
  }
}
