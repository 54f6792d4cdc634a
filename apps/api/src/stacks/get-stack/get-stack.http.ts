import type { StackDoc } from '@libs/read-model';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { streamName } from '@libs/eventstore';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { ReadModels } from '../../platform/read-models';
import { StackLookup } from '../stack-lookup';
import { StackView } from '../stack.view';

@ApiTags('stacks')
@Controller('v1/stacks')
export class GetStackHttp {
  constructor(
    private readonly lookup: StackLookup,
    private readonly readModels: ReadModels,
    private readonly view: StackView,
  ) {}

  /** 404 with `{}` for an unknown stack, as Kontena. */
  @Get(':grid/:stack')
  @ApiOperation({ summary: 'A stack with its services (ETag: its revision, for If-Match on update)' })
  async get(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('stack') name: string) {
    const { grid: gridDoc, stack } = await this.lookup.find(ctx.user, grid, name);
    if (!stack) return this.view.renderNull(gridDoc, ctx.now);
    const { doc, revision } = await this.readModels.reader.docAt<StackDoc>(
      'stack',
      stack.id,
      streamName('stack', stack.id),
    );
    ctx.outcome = { revision: doc ? revision : undefined };
    return this.view.render(doc ?? stack, gridDoc, ctx.now);
  }
}
