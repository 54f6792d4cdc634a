import { Body, Controller, Param, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { StackView } from '../stack.view';
import { UpdateStackDto } from './update-stack.dto';
import { UpdateStackCommand } from './update-stack.handler';

@ApiTags('stacks')
@Controller('v1/stacks')
export class UpdateStackHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: StackView,
  ) {}

  @Put(':grid/:stack')
  @ApiOperation({ summary: 'Replace the stack file (new revision if it changed); honours If-Match' })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') name: string,
    @Body() body: UpdateStackDto,
  ) {
    const { grid: gridDoc, stack } = await this.commands.execute(
      new UpdateStackCommand(ctx, grid, name, body),
    );
    return this.view.render(stack, gridDoc, ctx.now);
  }
}
