import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { gridIndexes, SecretDoc } from '@libs/read-model';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { SecretView } from '../secret.view';

@ApiTags('secrets')
@Controller('v1/grids')
export class ListSecretsHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly readModels: ReadModels,
    private readonly view: SecretView,
  ) {}

  @Get(':grid/secrets')
  @ApiOperation({ summary: "A grid's secrets, without their values" })
  async list(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    await this.access.member(ctx.user, grid);
    const reader = this.readModels.reader;
    const docs = await reader.docs<SecretDoc>('secret', await reader.ids(gridIndexes.secrets(grid)));
    return { secrets: await Promise.all(docs.map((doc) => this.view.summary(doc))) };
  }
}
