import { Controller, Get, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { SecretView } from '../secret.view';
import { ReadSecretCommand } from './read-secret.handler';

@ApiTags('secrets')
@Controller('v1/secrets')
export class ReadSecretHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: SecretView,
  ) {}

  @Get(':grid/:name')
  @ApiOperation({ summary: 'A secret with its value; the read is recorded in the audit trail' })
  async read(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Param('name') name: string) {
    const { doc, value } = await this.commands.execute(new ReadSecretCommand(ctx, grid, name));
    return this.view.withValue(doc, value);
  }
}
