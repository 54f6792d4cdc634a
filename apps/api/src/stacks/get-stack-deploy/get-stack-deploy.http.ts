import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFound } from '@libs/domain';
import type { StackDeployDoc } from '@libs/read-model';
import { DomainException } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { StackLookup } from '../stack-lookup';
import { StackView } from '../stack.view';

@ApiTags('stacks')
@Controller('v1/stacks')
export class GetStackDeployHttp {
  constructor(
    private readonly lookup: StackLookup,
    private readonly readModels: ReadModels,
    private readonly view: StackView,
  ) {}

  @Get(':grid/:stack/deploys/:id')
  @ApiOperation({ summary: 'A stack deploy with its service deploys, to follow its progress' })
  async get(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') name: string,
    @Param('id') id: string,
  ) {
    await this.lookup.find(ctx.user, grid, name);
    const deploy = await this.readModels.reader.doc<StackDeployDoc>('stackdeploy', id);
    if (!deploy || deploy.stack_id !== `${grid}/${name}`) throw new DomainException(new NotFound());
    return this.view.renderDeploy(deploy);
  }
}
