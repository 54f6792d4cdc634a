import { Body, Controller, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { SecretView } from '../secret.view';
import { UpdateSecretCommand } from './update-secret.handler';
import { UpdateSecretDto } from './update-secret.dto';

@ApiTags('secrets')
@Controller()
export class UpdateSecretHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly view: SecretView,
  ) {}

  /** `PUT /v1/grids/:grid/secrets/:name` is Kontena's deprecated alias (kontena-behaviour.md §1). */
  @Put(['v1/secrets/:grid/:name', 'v1/grids/:grid/secrets/:name'])
  @ApiOperation({ summary: 'Change a secret (or create it with upsert: true); 201 when created' })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('name') name: string,
    @Body() body: UpdateSecretDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { doc, created } = await this.commands.execute(new UpdateSecretCommand(ctx, grid, name, body));
    response.status(created ? 201 : 200);
    return this.view.withValue(doc, body.value);
  }
}
