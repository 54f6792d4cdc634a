import { assertNever, Decider, Decision } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { TokenCommand } from './token.commands';
import { AccessTokenIssued, TOKEN_SCOPES, TokenEvent } from './token.events';

export type TokenState =
  | { status: 'absent' }
  | ({ status: 'active' | 'spent' | 'revoked' } & AccessTokenIssued['data']);

const initialState: TokenState = { status: 'absent' };

function evolve(state: TokenState, event: TokenEvent): TokenState {
  switch (event.type) {
    case 'AccessTokenIssued':
      return { status: 'active', ...event.data };
    case 'AccessTokenExchanged':
      return state.status === 'absent' ? state : { ...state, status: 'spent' };
    case 'AccessTokenRevoked':
      return state.status === 'absent' ? state : { ...state, status: 'revoked' };
    default:
      return assertNever(event, 'token event');
  }
}

function decide(command: TokenCommand, state: TokenState, { now }: { now: Date }): Decision<TokenEvent> {
  switch (command.type) {
    case 'IssueAccessToken': {
      if (state.status !== 'absent') return []; // same id issued again: an idempotent retry
      const { issuer_scopes, ...data } = command.data;
      if (data.scopes.length === 0) return ValidationFailed.of('scope', 'Missing scope');
      if (data.scopes.some((s) => !(TOKEN_SCOPES as readonly string[]).includes(s))) return ValidationFailed.of('scope', 'Invalid scope');
      // Kontena's mutation has this rule but /oauth2/authorize never passes the current token to it (a bug):
      // we apply it, so a `user` token cannot mint an `owner` one.
      if (issuer_scopes && data.scopes.some((s) => !issuer_scopes.includes(s))) return ValidationFailed.of('scope', 'Invalid scope');
      return [{ type: 'AccessTokenIssued', data }];
    }
    case 'ExchangeAccessToken': {
      // Codes and refresh tokens are single use; a spent, revoked or unknown one is simply not found (§8).
      if (state.status !== 'active') return new NotFound('invalid_request');
      const { grant } = command.data;
      if (grant === 'authorization_code' && state.code_hash === null) return new NotFound('invalid_request');
      if (grant === 'refresh_token' && state.refresh_token_hash === null) return new NotFound('invalid_request');
      // An expired code cannot be exchanged; a refresh token still works after its access token expired (§8).
      if (grant === 'authorization_code' && state.expires_at !== null && Date.parse(state.expires_at) <= now.getTime()) {
        return new NotFound('invalid_request');
      }
      return [{ type: 'AccessTokenExchanged', data: command.data }];
    }
    case 'RevokeAccessToken':
      if (state.status === 'absent') return new NotFound();
      // A spent token is already gone (it was replaced); revoking it again changes nothing.
      return state.status === 'active' ? [{ type: 'AccessTokenRevoked', data: command.data }] : [];
    default:
      return assertNever(command, 'token command');
  }
}

export const tokenDecider: Decider<TokenState, TokenCommand, TokenEvent> = { initialState, evolve, decide };
