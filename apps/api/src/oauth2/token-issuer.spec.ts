import { createHash } from 'node:crypto';
import { mintToken, TokenRequest } from './token-issuer';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const request: TokenRequest = { user: { id: 'u1', email: 'a@example.com' }, scopes: ['user'], description: null, expiresAt: '2030-01-01T00:00:00.000Z', kind: 'bearer' };

describe('minting tokens', () => {
  it('gives an expiring bearer token a refresh token; events hold only hashes and last fours (§8)', () => {
    const { data, secrets } = mintToken('t1', request);
    expect(secrets.access_token).toMatch(/^[a-f0-9]{64}$/);
    expect(secrets.refresh_token).toMatch(/^[a-f0-9]{128}$/);
    expect(data).toEqual({
      id: 't1',
      kind: 'bearer',
      user_id: 'u1',
      user_email: 'a@example.com',
      scopes: ['user'],
      description: null,
      token_hash: sha256(secrets.access_token!),
      token_last_four: secrets.access_token!.slice(-4),
      refresh_token_hash: sha256(secrets.refresh_token!),
      refresh_token_last_four: secrets.refresh_token!.slice(-4),
      code_hash: null,
      expires_at: '2030-01-01T00:00:00.000Z',
    });
    expect(JSON.stringify(data)).not.toContain(secrets.access_token);
  });

  it('gives a token that never expires no refresh token', () => {
    const { data, secrets } = mintToken('t2', { ...request, expiresAt: null });
    expect(secrets.refresh_token).toBeNull();
    expect(data).toMatchObject({ refresh_token_hash: null, refresh_token_last_four: null, expires_at: null });
  });

  it('mints a code as only a code, and passes the issuing scopes to the decider', () => {
    const { data, secrets } = mintToken('c1', { ...request, kind: 'authorization_code', issuerScopes: ['user'] });
    expect(secrets).toEqual({ access_token: null, refresh_token: null, code: expect.stringMatching(/^[a-f0-9]{32}$/) });
    expect(data).toMatchObject({ kind: 'authorization_code', token_hash: null, code_hash: sha256(secrets.code!), issuer_scopes: ['user'] });
  });

  it('never mints the same secret twice', () => {
    const seen = new Set(Array.from({ length: 200 }, (_, i) => mintToken(`t${i}`, request).secrets.access_token));
    expect(seen.size).toBe(200);
  });
});
