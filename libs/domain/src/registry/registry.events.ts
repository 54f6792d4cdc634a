import type { DomainEvent } from '../shared/decider';
import type { SealedValue } from '../shared/sealed';

export type RegistryRemovalReason = 'deleted' | 'grid_removed';

/**
 * An external registry's credentials (kontena-behaviour.md §2). Kontena stored the password in plaintext
 * (§9 "Not encrypted: registry passwords"), a bug: here it is sealed with the grid's data key, bound to
 * `registry-password:<grid>/<name>`, before the event is built.
 */
export type RegistryCreated = DomainEvent<
  'RegistryCreated',
  { grid: string; name: string; url: string; username: string; password: SealedValue; email: string | null }
>;
export type RegistryRemoved = DomainEvent<
  'RegistryRemoved',
  { grid: string; name: string; reason: RegistryRemovalReason }
>;

export type RegistryEvent = RegistryCreated | RegistryRemoved;
