import { Injectable } from '@nestjs/common';
import { AuditLogEntry, auditLogKeys } from '@libs/read-model';
import { ReadModels } from '../platform/read-models';

/** Kontena's `limit`: 1..3000, anything else (absent, 0, not a number) means 500 (audit_logs_api.rb). */
export function auditLimit(raw: unknown): number {
  const limit = typeof raw === 'string' ? parseInt(raw, 10) : NaN;
  return limit >= 1 && limit <= 3000 ? limit : 500;
}

/** The newest `limit` entries of an audit log, oldest first, as Kontena ordered them. */
@Injectable()
export class AuditLogReader {
  constructor(private readonly readModels: ReadModels) {}

  latest(limit: number, grid?: string): Promise<AuditLogEntry[]> {
    const { redis, keys } = this.readModels.reader;
    const log = auditLogKeys(keys);
    return redis
      .xrevrange(grid === undefined ? log.all : log.grid(grid), '+', '-', 'COUNT', limit)
      .then((entries) => entries.reverse().map(([, fields]) => JSON.parse(fields[1]) as AuditLogEntry));
  }
}
