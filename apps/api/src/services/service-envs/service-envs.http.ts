import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HttpProblem } from '../../common/http/errors';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { dtoErrors, toDto } from '../../common/validation/field';
import { ServiceLookup } from '../service-lookup';
import { ServiceEnvDto } from './service-env.dto';
import { ChangeServiceEnvCommand } from './service-envs.handler';

@ApiTags('services')
@Controller('v1/services')
export class ServiceEnvsHttp {
  constructor(
    private readonly commands: CommandBus,
    private readonly lookup: ServiceLookup,
  ) {}

  /** Kontena answers these two with the bare error hash, without the `error` wrapper (kontena-behaviour.md §3). */
  @Post(':grid/:stack/:service/envs')
  @HttpCode(200)
  @ApiBody({ type: ServiceEnvDto })
  @ApiOperation({ summary: 'Set one environment variable (KEY=value)' })
  async add(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
    @Body() body: Record<string, unknown>,
  ) {
    await this.lookup.find(ctx.user, grid, stack, name);
    const input = toDto(ServiceEnvDto, body && typeof body === 'object' && !Array.isArray(body) ? body : {});
    const errors = dtoErrors(input);
    if (errors) throw new HttpProblem(422, errors);
    await this.commands.execute(
      new ChangeServiceEnvCommand(ctx, grid, stack, name, { kind: 'add', env: input.env }),
    );
    return {};
  }

  @Delete(':grid/:stack/:service/envs/:key')
  @ApiOperation({ summary: 'Remove an environment variable' })
  async remove(
    @Ctx() ctx: RequestContext,
    @Param('grid') grid: string,
    @Param('stack') stack: string,
    @Param('service') name: string,
    @Param('key') key: string,
  ) {
    await this.commands.execute(new ChangeServiceEnvCommand(ctx, grid, stack, name, { kind: 'remove', key }));
    return {};
  }
}
