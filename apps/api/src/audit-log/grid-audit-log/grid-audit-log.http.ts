import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { GridAccess } from '../../common/auth/grid-access';
import { Ctx, RequestContext } from '../../common/http/request-context';
import { auditLimit, AuditLogReader } from '../audit-log.reader';

@ApiTags('audit log')
@Controller('v1/grids')
export class GridAuditLogHttp {
  constructor(
    private readonly access: GridAccess,
    private readonly auditLog: AuditLogReader,
  ) {}

  @Get(':grid/audit_log')
  @ApiOperation({ summary: "The newest audit entries of a grid's resources, oldest first" })
  @ApiQuery({ name: 'limit', required: false, description: '1..3000, default 500' })
  async list(@Ctx() ctx: RequestContext, @Param('grid') grid: string, @Query('limit') limit?: string) {
    await this.access.member(ctx.user, grid);
    return { logs: await this.auditLog.latest(auditLimit(limit), grid) };
  }
}
