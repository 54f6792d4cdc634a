import type { DomainEvent } from '../shared/decider';
import type { SealedValue } from '../shared/sealed';

/** Why a secret left: a user deleted it, or its grid was removed (and its data key destroyed with it). */
export type SecretRemovalReason = 'deleted' | 'grid_removed';

/**
 * A grid secret (kontena-behaviour.md §9). The value is sealed with the grid's data key, bound to
 * `secret:<grid>/<name>`, before the event is built: plaintext never reaches the event store.
 */
export type SecretCreated = DomainEvent<'SecretCreated', { grid: string; name: string; value: SealedValue }>;

/**
 * The secret's value changed. Kontena force-bumped the revision of every service using the secret, so
 * the scheduler redeployed them (§9); here the reconciler reacts to this event (and to `SecretCreated`,
 * for services that refer to a re-created secret) by redeploying the services in `secretServices`.
 */
export type SecretValueChanged = DomainEvent<'SecretValueChanged', { value: SealedValue }>;

/**
 * Someone read the value (GET /v1/secrets/:grid/:name). Kontena wrote a `show` audit entry (§9); here the
 * read is part of the secret's own history, with who read it in the event metadata (actor, token, ip).
 */
export type SecretRead = DomainEvent<'SecretRead', Record<string, never>>;

export type SecretRemoved = DomainEvent<
  'SecretRemoved',
  { grid: string; name: string; reason: SecretRemovalReason }
>;

export type SecretEvent = SecretCreated | SecretValueChanged | SecretRead | SecretRemoved;
