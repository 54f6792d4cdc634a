import type { DomainEvent } from '../shared/decider';
import type { SealedValue } from '../shared/sealed';
import type { NodeClaimEvent } from './node-claims';

export interface GridStats {
  statsd: { server: string; port: number } | null;
}

export interface GridLogs {
  forwarder: 'fluentd';
  opts: Record<string, string>;
}

/** The attributes a grid update may change (kontena-behaviour.md §2, Grid common inputs). */
export interface GridSettings {
  default_affinity: string[];
  trusted_subnets: string[];
  stats: GridStats;
  /** `null` when no log forwarder is configured (`forwarder: none` clears it). */
  logs: GridLogs | null;
}

export type GridCreated = DomainEvent<
  'GridCreated',
  GridSettings & {
    name: string;
    initial_size: number;
    subnet: string;
    supernet: string;
    /** The grid's vault data key: seals its token, secrets and registry passwords; destroyed on removal. */
    data_key_id: string;
    /** The grid token agents register with: sealed for GET /v1/grids/:grid, hashed for look-up. */
    token: SealedValue;
    token_hash: string;
    /** The creator becomes the first grid user (kontena-behaviour.md §2 Grid create side effects). */
    users: string[];
  }
>;
export type GridUpdated = DomainEvent<'GridUpdated', Partial<GridSettings>>;
export type GridUserAssigned = DomainEvent<'GridUserAssigned', { email: string }>;
export type GridUserUnassigned = DomainEvent<'GridUserUnassigned', { email: string }>;
export type GridRemoved = DomainEvent<'GridRemoved', { name: string }>;

export type GridEvent = GridCreated | GridUpdated | GridUserAssigned | GridUserUnassigned | GridRemoved | NodeClaimEvent;
