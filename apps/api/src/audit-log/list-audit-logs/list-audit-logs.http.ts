import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../common/auth/decorators';
import { auditLimit, AuditLogReader } from '../audit-log.reader';

@ApiTags('audit log')
@Controller('v1/audit_logs')
export class ListAuditLogsHttp {
  constructor(private readonly auditLog: AuditLogReader) {}

  /** Kontena's non-admin branch called a `halt` Roda does not have (a 500); a lack of rights is a 403 here. */
  @Get()
  @Roles('master_admin')
  @ApiOperation({ summary: 'The newest audit entries of the whole master, oldest first (master_admin)' })
  @ApiQuery({ name: 'limit', required: false, description: '1..3000, default 500' })
  async list(@Query('limit') limit?: string) {
    return { logs: await this.auditLog.latest(auditLimit(limit)) };
  }
}
