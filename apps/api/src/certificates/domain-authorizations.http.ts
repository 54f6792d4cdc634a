import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { GridAccess } from '../common/auth/grid-access';
import { Ctx, RequestContext } from '../common/http/request-context';
import { AuthorizeDomainDto } from './lets-encrypt.dto';
import { letsEncryptNotImplemented } from './not-implemented';

/** The domain authorization routes of kontena-behaviour.md §1: input checked, then 501 after the grid check. */
@ApiTags('domain authorizations')
@Controller()
export class DomainAuthorizationsHttp {
  constructor(private readonly access: GridAccess) {}

  @Get('v1/grids/:grid/domain_authorizations')
  @ApiOperation({ summary: 'List domain authorizations (not implemented: 501)' })
  list(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    return this.refuse(ctx, grid);
  }

  @Post('v1/grids/:grid/domain_authorizations')
  @ApiOperation({ summary: "Authorize a domain with Let's Encrypt (not implemented: 501)" })
  authorize(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() _body: AuthorizeDomainDto) {
    return this.refuse(ctx, grid);
  }

  @Get('v1/domain_authorizations/:grid/:domain')
  @ApiOperation({ summary: 'A domain authorization (not implemented: 501)' })
  get(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    return this.refuse(ctx, grid);
  }

  @Delete('v1/domain_authorizations/:grid/:domain')
  @ApiOperation({ summary: 'Remove a domain authorization (not implemented: 501)' })
  remove(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    return this.refuse(ctx, grid);
  }

  private async refuse(ctx: RequestContext, grid: string): Promise<never> {
    await this.access.member(ctx.user, grid);
    throw letsEncryptNotImplemented();
  }
}
