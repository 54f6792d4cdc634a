import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFound } from '@libs/domain';
import { streamName } from '@libs/eventstore';
import type { RegistryDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { DomainException } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { renderRegistry } from '../registry.view';

@ApiTags('external registries')
@Controller('v1/external_registries')
export class GetRegistryHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
  ) {}

  @Get(':grid/:name')
  @ApiOperation({ summary: 'An external registry (without its password)' })
  async get(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('name') name: string) {
    await this.access.member(ctx.user, grid);
    const reader = this.readModels.reader;
    const id = `${grid}/${name}`;
    const { doc, revision } = await reader.docAt<RegistryDoc>('registry', id, streamName('registry', id));
    if (!doc) throw new DomainException(new NotFound());
    ctx.outcome = { revision };
    return renderRegistry(doc);
  }
}
