import type { Command } from '../shared/decider';
import type { AccessTokenIssued } from './token.events';

/**
 * `issuer_scopes`: the scopes of the token that asks for this one, when a token asks (`POST /oauth2/authorize`);
 * a token never mints scopes it does not hold itself (kontena-behaviour.md §8, AccessTokens::Create).
 */
export type IssueAccessToken = Command<'IssueAccessToken', AccessTokenIssued['data'] & { issuer_scopes?: readonly string[] }>;
export type ExchangeAccessToken = Command<'ExchangeAccessToken', { grant: 'authorization_code' | 'refresh_token'; replaced_by: string }>;
export type RevokeAccessToken = Command<'RevokeAccessToken', { reason: 'deleted' | 'user_removed' }>;

export type TokenCommand = IssueAccessToken | ExchangeAccessToken | RevokeAccessToken;
