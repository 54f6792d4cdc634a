import type { DomainEvent } from '../shared/decider';

/** Only these scopes exist for internal tokens (kontena-behaviour.md §8). */
export const TOKEN_SCOPES = ['user', 'owner'] as const;

/**
 * An access token or an authorization code. Plain values never enter an event: only SHA-256 hashes
 * and the last four characters (DESIGN.md §7).
 */
export type AccessTokenIssued = DomainEvent<
  'AccessTokenIssued',
  {
    id: string;
    /** `bearer` tokens authenticate; `authorization_code` tokens only exchange once for a bearer token. */
    kind: 'bearer' | 'authorization_code';
    user_id: string;
    user_email: string;
    scopes: string[];
    description: string | null;
    token_hash: string | null;
    token_last_four: string | null;
    refresh_token_hash: string | null;
    refresh_token_last_four: string | null;
    code_hash: string | null;
    /** ISO time; `null` never expires (and has no refresh token). */
    expires_at: string | null;
  }
>;
/** A code or refresh token was spent: single use (§8). */
export type AccessTokenExchanged = DomainEvent<'AccessTokenExchanged', { grant: 'authorization_code' | 'refresh_token'; replaced_by: string }>;
export type AccessTokenRevoked = DomainEvent<'AccessTokenRevoked', { reason: 'deleted' | 'user_removed' }>;

export type TokenEvent = AccessTokenIssued | AccessTokenExchanged | AccessTokenRevoked;
