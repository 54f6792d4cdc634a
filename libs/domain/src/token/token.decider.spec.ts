import fc from 'fast-check';
import { deciderSpecification, testContext } from '@libs/testing';
import { isDomainError } from '../shared/decider';
import { NotFound, ValidationFailed } from '../shared/domain-error';
import type { IssueAccessToken, TokenCommand } from './token.commands';
import { tokenDecider, TokenState } from './token.decider';
import type { AccessTokenIssued, TokenEvent } from './token.events';

const spec = deciderSpecification(tokenDecider, testContext);
const base: AccessTokenIssued['data'] = {
  id: 't1',
  kind: 'bearer',
  user_id: 'u1',
  user_email: 'alice@example.com',
  scopes: ['user'],
  description: null,
  token_hash: 'th',
  token_last_four: 'abcd',
  refresh_token_hash: 'rh',
  refresh_token_last_four: 'efgh',
  code_hash: null,
  expires_at: '2026-11-22T14:00:00.000Z',
};
const code: AccessTokenIssued['data'] = { ...base, id: 'c1', kind: 'authorization_code', token_hash: null, token_last_four: null, refresh_token_hash: null, refresh_token_last_four: null, code_hash: 'ch', expires_at: null };
const issued = (data: AccessTokenIssued['data']): TokenEvent => ({ type: 'AccessTokenIssued', data });
const issue = (data: IssueAccessToken['data']): IssueAccessToken => ({ type: 'IssueAccessToken', data });
const exchange = (grant: 'authorization_code' | 'refresh_token', replaced_by = 'next'): TokenCommand => ({ type: 'ExchangeAccessToken', data: { grant, replaced_by } });

describe('token decider', () => {
  describe('issue', () => {
    it('issues a token or a code', () => {
      spec.given([]).when(issue(base)).then([issued(base)]);
      spec.given([]).when(issue(code)).then([issued(code)]);
    });

    it('treats issuing the same id again as a retry', () => {
      spec.given([issued(base)]).when(issue(base)).then([]);
    });

    it("refuses missing and unknown scopes with Kontena's messages", () => {
      spec.given([]).when(issue({ ...base, scopes: [] })).thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ scope: 'Missing scope' }));
      spec.given([]).when(issue({ ...base, scopes: ['user', 'admin'] })).thenFails(ValidationFailed, (e) => expect(e.errors).toEqual({ scope: 'Invalid scope' }));
    });

    it('never mints a scope the issuing token does not hold, and keeps the issuer out of the event', () => {
      spec.given([]).when(issue({ ...base, scopes: ['user', 'owner'], issuer_scopes: ['user'] })).thenFails(ValidationFailed, (e) =>
        expect(e.errors).toEqual({ scope: 'Invalid scope' }),
      );
      spec.given([]).when(issue({ ...base, scopes: ['user'], issuer_scopes: ['user', 'owner'] })).then([issued(base)]);
    });
  });

  describe('exchange', () => {
    it('spends a code once', () => {
      spec.given([issued(code)]).when(exchange('authorization_code')).then([{ type: 'AccessTokenExchanged', data: { grant: 'authorization_code', replaced_by: 'next' } }]);
      spec
        .given([issued(code), { type: 'AccessTokenExchanged', data: { grant: 'authorization_code', replaced_by: 'next' } }])
        .when(exchange('authorization_code'))
        .thenFails(NotFound, (e) => expect(e.message).toBe('invalid_request'));
    });

    it('spends a refresh token once, even after its access token expired', () => {
      const later = { now: new Date('2027-01-01T00:00:00.000Z') };
      spec.given([issued(base)]).when(exchange('refresh_token'), later).then([{ type: 'AccessTokenExchanged', data: { grant: 'refresh_token', replaced_by: 'next' } }]);
      spec
        .given([issued(base), { type: 'AccessTokenExchanged', data: { grant: 'refresh_token', replaced_by: 'next' } }])
        .when(exchange('refresh_token'))
        .thenFails(NotFound);
    });

    it('refuses a grant the token does not have, an expired code, an unknown or a revoked token', () => {
      spec.given([issued(code)]).when(exchange('refresh_token')).thenFails(NotFound);
      spec.given([issued({ ...base, refresh_token_hash: null })]).when(exchange('refresh_token')).thenFails(NotFound);
      spec.given([issued(base)]).when(exchange('authorization_code')).thenFails(NotFound);
      spec.given([issued({ ...code, expires_at: '2026-11-22T11:59:59.000Z' })]).when(exchange('authorization_code')).thenFails(NotFound);
      spec.given([]).when(exchange('authorization_code')).thenFails(NotFound);
      spec.given([issued(code), { type: 'AccessTokenRevoked', data: { reason: 'deleted' } }]).when(exchange('authorization_code')).thenFails(NotFound);
    });
  });

  describe('revoke', () => {
    it('revokes an active token once', () => {
      spec.given([issued(base)]).when({ type: 'RevokeAccessToken', data: { reason: 'deleted' } }).then([{ type: 'AccessTokenRevoked', data: { reason: 'deleted' } }]);
      spec.given([issued(base), { type: 'AccessTokenRevoked', data: { reason: 'deleted' } }]).when({ type: 'RevokeAccessToken', data: { reason: 'user_removed' } }).then([]);
    });

    it('has nothing to revoke on a spent token, and answers not found for an unknown one', () => {
      spec
        .given([issued(base), { type: 'AccessTokenExchanged', data: { grant: 'refresh_token', replaced_by: 'next' } }])
        .when({ type: 'RevokeAccessToken', data: { reason: 'deleted' } })
        .then([]);
      spec.given([]).when({ type: 'RevokeAccessToken', data: { reason: 'deleted' } }).thenFails(NotFound);
    });
  });

  describe('properties', () => {
    const grant = fc.constantFrom('authorization_code' as const, 'refresh_token' as const);
    const command: fc.Arbitrary<TokenCommand> = fc.oneof(
      { weight: 4, arbitrary: grant.map((g) => exchange(g)) },
      { weight: 1, arbitrary: fc.constantFrom('deleted' as const, 'user_removed' as const).map((reason): TokenCommand => ({ type: 'RevokeAccessToken', data: { reason } })) },
      { weight: 1, arbitrary: fc.constant(issue(base)) },
    );
    const token = fc.oneof(
      fc.constant(code),
      fc.constant(base),
      fc.constant({ ...base, refresh_token_hash: null, refresh_token_last_four: null, expires_at: null }),
    );

    it('spends a code or refresh token at most once, whatever the sequence of exchanges', () => {
      fc.assert(
        fc.property(token, fc.array(command, { maxLength: 30 }), fc.integer({ min: -3_600, max: 3_600 }), (data, commands, skew) => {
          const now = new Date(testContext.now.getTime() + skew * 1000);
          let state: TokenState = tokenDecider.evolve(tokenDecider.initialState, issued(data));
          let spent = 0;
          let revoked = false;
          for (const next of commands) {
            const decision = tokenDecider.decide(next, state, { ...testContext, now });
            if (isDomainError(decision)) continue;
            for (const event of decision) {
              if (event.type === 'AccessTokenExchanged') {
                // Nothing is exchanged after the token was spent or revoked.
                expect(revoked).toBe(false);
                spent++;
              }
              if (event.type === 'AccessTokenRevoked') revoked = true;
              state = tokenDecider.evolve(state, event);
            }
          }
          expect(spent).toBeLessThanOrEqual(1);
        }),
      );
    });
  });
});
