import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { RequestServiceDeployCommand } from '../deploy-service/deploy-service.handler';
import { ServiceView } from '../service.view';
import { ScaleServiceDto } from './scale-service.dto';

@ApiTags('services')
@Controller('v1/services')
export class ScaleServiceHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: ServiceView,
  ) {}

  @Post(':grid/:stack/:service/scale')
  @HttpCode(200)
  @ApiOperation({ summary: 'Scale a service; answers with the deploy record to follow' })
  async scale(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
    @Body() body: ScaleServiceDto,
  ) {
    const { deploy, service } = await this.commands.execute(
      new RequestServiceDeployCommand(ctx, grid, stack, name, { kind: 'scale', instances: body.instances }),
    );
    return this.view.renderDeploy(deploy, service);
  }
}
