import type { DomainEvent } from '../shared/decider';

/** Where a volume's instances live (kontena-behaviour.md §2 Volumes, `models/volume.rb` naming). */
export const VOLUME_SCOPES = ['instance', 'stack', 'grid'] as const;
export type VolumeScope = (typeof VOLUME_SCOPES)[number];

export type VolumeRemovalReason = 'deleted' | 'grid_removed';

export type VolumeCreated = DomainEvent<
  'VolumeCreated',
  { grid: string; name: string; scope: VolumeScope; driver: string; driver_opts: Record<string, unknown> }
>;
export type VolumeRemoved = DomainEvent<
  'VolumeRemoved',
  { grid: string; name: string; reason: VolumeRemovalReason }
>;

export type VolumeEvent = VolumeCreated | VolumeRemoved;
