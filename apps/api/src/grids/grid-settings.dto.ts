import type { ErrorHash, GridLogs, GridSettings, GridStats } from '@libs/domain';
import { Field } from '../common/validation/field';
import { cidrError } from '../common/validation/network';

export class StatsdDto {
  @Field({ type: 'string', required: true, example: '10.10.10.2' }) server!: string;
  @Field({ type: 'integer', required: true, min: 1, max: 65535, example: 8125 }) port!: number;
}

export class GridStatsDto {
  @Field({ type: 'hash', schema: StatsdDto, nils: true, description: 'Statsd export endpoint; null disables it' })
  statsd?: StatsdDto | null;
}

export class GridLogsDto {
  @Field({ type: 'string', required: true, in: ['fluentd', 'none'] }) forwarder!: 'fluentd' | 'none';
  @Field({ type: 'hash', values: 'string' }) opts?: Record<string, string>;
}

/** The attributes both create and update accept (kontena-behaviour.md §2, Grid "Common"). */
export class GridSettingsDto {
  @Field({ type: 'array', of: { type: 'string' }, example: ['label!=reserved'] }) default_affinity?: string[];
  @Field({ type: 'array', of: { type: 'string' }, example: ['192.168.66.0/24'] }) trusted_subnets?: string[];
  @Field({ type: 'hash', schema: GridStatsDto }) stats?: GridStatsDto;
  @Field({ type: 'hash', schema: GridLogsDto }) logs?: GridLogsDto;

  validate(): ErrorHash | undefined {
    const bad = this.trusted_subnets?.find((subnet) => cidrError(subnet));
    if (bad !== undefined) return { trusted_subnets: `Invalid trusted_subnet ${bad}` };
    if (this.logs?.forwarder === 'fluentd' && !this.logs.opts?.['fluentd-address']) return { logs: 'fluentd-address option must be given' };
    return undefined;
  }

  /** The settings as the domain records them; `forwarder: none` clears log forwarding. */
  settings(): Partial<GridSettings> {
    const logs: GridLogs | null | undefined =
      this.logs === undefined ? undefined : this.logs.forwarder === 'none' ? null : { forwarder: 'fluentd', opts: this.logs.opts ?? {} };
    const stats: GridStats | undefined =
      this.stats === undefined ? undefined : { statsd: this.stats.statsd ? { server: this.stats.statsd.server, port: this.stats.statsd.port } : null };
    const out: Partial<GridSettings> = { default_affinity: this.default_affinity, trusted_subnets: this.trusted_subnets, stats, logs };
    return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
  }
}
