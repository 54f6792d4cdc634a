import type { ReadModelKeys } from '../keys';

/** One audit entry, already in Kontena's JSON (`views/v1/audit_logs/_audit_log.json.jbuilder`). */
export interface AuditLogEntry {
  time: string;
  grid: string | null;
  grid_id: string | null;
  service: string;
  resource_type: string;
  resource_name: string | null;
  resource_id: string;
  event_name: string;
  event_status: 'success';
  source_ip: string | null;
  user_agent: string | null;
  user_identity: { id: string; email: string | null };
}

/**
 * The audit log: Redis Streams of `AuditLogEntry` JSON (field `v`), one for the whole master and one per grid,
 * under the read-model generation so a rebuild reproduces them with the same entry ids.
 */
export const auditLogKeys = (keys: ReadModelKeys) => ({
  all: `${keys.root}auditlog:all`,
  grid: (grid: string) => `${keys.root}auditlog:grid:${grid}`,
});

/** How many entries each log keeps; Kontena served at most 3000 per request (kontena-behaviour.md §1). */
export const AUDIT_LOG_MAX_ENTRIES = { all: 100_000, grid: 10_000 } as const;
