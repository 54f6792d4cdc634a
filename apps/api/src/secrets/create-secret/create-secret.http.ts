import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { SecretView } from '../secret.view';
import { CreateSecretCommand } from './create-secret.handler';
import { CreateSecretDto } from './create-secret.dto';

@ApiTags('secrets')
@Controller('v1/grids')
export class CreateSecretHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: SecretView,
  ) {}

  @Post(':grid/secrets')
  @HttpCode(201)
  @ApiOperation({ summary: 'Write a secret to the grid vault; answers with its value, as Kontena did' })
  async create(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() body: CreateSecretDto) {
    const doc = await this.commands.execute(new CreateSecretCommand(ctx, grid, body));
    return this.view.withValue(doc, body.value);
  }
}
