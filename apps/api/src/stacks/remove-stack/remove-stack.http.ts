import { Controller, Delete, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { RemoveStackCommand } from './remove-stack.handler';

@ApiTags('stacks')
@Controller('v1/stacks')
export class RemoveStackHttp {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':grid/:stack')
  @ApiOperation({ summary: 'Remove a stack and its services (refused while other stacks link into it)' })
  async remove(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('stack') name: string) {
    await this.commands.execute(new RemoveStackCommand(ctx, grid, name));
    return {};
  }
}
