import { Module } from '@nestjs/common';
import { AuditLogReader } from './audit-log.reader';
import { GridAuditLogHttp } from './grid-audit-log/grid-audit-log.http';
import { ListAuditLogsHttp } from './list-audit-logs/list-audit-logs.http';

/** The audit log projected from every event (kontena-behaviour.md §1 `/v1/audit_logs`, `/v1/grids/:grid/audit_log`). */
@Module({ controllers: [ListAuditLogsHttp, GridAuditLogHttp], providers: [AuditLogReader] })
export class AuditLogModule {}
