import { Body, Controller, Param, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { StackView } from '../stack.view';
import { PatchStackDto } from './patch-stack.dto';
import { PatchStackCommand } from './patch-stack.handler';

@ApiTags('stacks')
@Controller('v1/stacks')
export class PatchStackHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: StackView,
  ) {}

  @Patch(':grid/:stack')
  @ApiOperation({ summary: "Change a stack's labels (an empty list clears them)" })
  async patch(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') name: string,
    @Body() body: PatchStackDto,
  ) {
    const { grid: gridDoc, stack } = await this.commands.execute(
      new PatchStackCommand(ctx, grid, name, body),
    );
    return this.view.render(stack, gridDoc, ctx.now);
  }
}
