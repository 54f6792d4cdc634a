import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { StackView } from '../stack.view';
import { CreateStackDto } from './create-stack.dto';
import { CreateStackCommand } from './create-stack.handler';

@ApiTags('stacks')
@Controller('v1/grids')
export class CreateStackHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: StackView,
  ) {}

  @Post(':grid/stacks')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a stack and its services (not deployed yet)' })
  async create(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() body: CreateStackDto) {
    const { grid: gridDoc, stack } = await this.commands.execute(new CreateStackCommand(ctx, grid, body));
    return this.view.render(stack, gridDoc, ctx.now);
  }
}
