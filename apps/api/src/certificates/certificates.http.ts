import { Body, Controller, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { GridAccess } from '../common/auth/grid-access';
import { Ctx, RequestContext } from '../common/http/request-context';
import {
  DeprecatedAuthorizeDto,
  GetCertificateDto,
  ImportCertificateDto,
  RegisterDto,
  RequestCertificateDto,
} from './lets-encrypt.dto';
import { letsEncryptNotImplemented } from './not-implemented';

/** The certificate routes of kontena-behaviour.md §1: input checked, then 501 after the grid check. */
@ApiTags('certificates')
@Controller()
export class CertificatesHttp {
  constructor(private readonly access: GridAccess) {}

  @Get('v1/grids/:grid/certificates')
  @ApiOperation({ summary: 'List certificates (not implemented: 501)' })
  list(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    return this.refuse(ctx, grid);
  }

  @Post('v1/grids/:grid/certificates')
  @ApiOperation({ summary: "Request a Let's Encrypt certificate (not implemented: 501)" })
  request(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() _body: RequestCertificateDto) {
    return this.refuse(ctx, grid);
  }

  // Before `:subject`, as in Kontena's router, so these names are never taken for a subject.
  @Post('v1/certificates/:grid/register')
  @ApiOperation({ summary: "Register with Let's Encrypt (not implemented: 501)" })
  register(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() _body: RegisterDto) {
    return this.refuse(ctx, grid);
  }

  @Post('v1/certificates/:grid/authorize')
  @ApiOperation({ summary: 'Authorize a domain, deprecated (not implemented: 501)', deprecated: true })
  authorize(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() _body: DeprecatedAuthorizeDto) {
    return this.refuse(ctx, grid);
  }

  @Post('v1/certificates/:grid/certificate')
  @ApiOperation({
    summary: 'Get a certificate into secrets, deprecated (not implemented: 501)',
    deprecated: true,
  })
  certificate(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() _body: GetCertificateDto) {
    return this.refuse(ctx, grid);
  }

  @Get(['v1/certificates/:grid/:subject', 'v1/certificates/:grid/:subject/export'])
  @ApiOperation({ summary: 'A certificate, or its export with the private key (not implemented: 501)' })
  get(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    return this.refuse(ctx, grid);
  }

  @Put('v1/certificates/:grid/:subject')
  @ApiOperation({ summary: 'Import a certificate (not implemented: 501)' })
  import(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Body() _body: ImportCertificateDto) {
    return this.refuse(ctx, grid);
  }

  @Delete('v1/certificates/:grid/:subject')
  @ApiOperation({ summary: 'Remove a certificate (not implemented: 501)' })
  remove(@Ctx() ctx: RequestContext, @Param('grid') grid: string) {
    return this.refuse(ctx, grid);
  }

  private async refuse(ctx: RequestContext, grid: string): Promise<never> {
    await this.access.member(ctx.user, grid);
    throw letsEncryptNotImplemented();
  }
}
