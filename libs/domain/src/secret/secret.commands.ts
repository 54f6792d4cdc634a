import type { Command } from '../shared/decider';
import type { SealedValue } from '../shared/sealed';
import type { SecretRemovalReason } from './secret.events';

/** POST /v1/grids/:grid/secrets. The value arrives sealed: the domain never sees plaintext. */
export type CreateSecret = Command<'CreateSecret', { grid: string; name: string; value: SealedValue }>;

/**
 * PUT /v1/secrets/:grid/:name. `upsert` creates a missing secret (§9). Sealed values cannot be compared
 * (each has a fresh IV), so the caller opens the current value and, when it equals the new one, says so
 * in `unchanged`: the sealed value it opened. The update is a no-op only while that is still the
 * current value, so a stale comparison never loses a write.
 */
export type UpdateSecret = Command<
  'UpdateSecret',
  { grid: string; name: string; value: SealedValue; upsert: boolean; unchanged?: SealedValue }
>;

/** GET /v1/secrets/:grid/:name: reading the value is recorded (§9 audit of reads). */
export type ReadSecret = Command<'ReadSecret', Record<string, never>>;

export type RemoveSecret = Command<'RemoveSecret', { reason: SecretRemovalReason }>;

export type SecretCommand = CreateSecret | UpdateSecret | ReadSecret | RemoveSecret;
