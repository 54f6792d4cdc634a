import fc from 'fast-check';
import { deciderSpecification, testContext } from '@libs/testing';
import { fold, isDomainError } from '../shared/decider';
import { ValidationFailed } from '../shared/domain-error';
import type { SealedValue } from '../shared/sealed';
import { configDecider } from './config.decider';
import { ConfigEvent, ConfigValue, isAuthProviderKey, isSealedConfigKey, StoredConfigValue } from './config.events';

const spec = deciderSpecification(configDecider, testContext);
const sealed: SealedValue = { key_id: 'config:k1', alg: 'A256GCM', iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const set = (key: string, stored: StoredConfigValue): ConfigEvent => ({ type: 'ConfigValueSet', data: { key, ...stored } });
const configured = [set('oauth2.client_id', { value: 'abc' }), set('oauth2.client_secret', { sealed })];

describe('config decider', () => {
  it('upserts only the keys whose values change', () => {
    spec
      .given(configured)
      .when({ type: 'SetConfigValues', data: { values: { 'oauth2.client_id': { value: 'abc' }, 'server.root_url': { value: 'https://m.example.com' } } } })
      .then([set('server.root_url', { value: 'https://m.example.com' })]);
  });

  it('keeps any JSON value, and removes a key given null', () => {
    spec
      .given(configured)
      .when({ type: 'SetConfigValues', data: { values: { 'a.number': { value: 3 }, 'a.list': { value: [true, 'x'] }, 'oauth2.client_id': null, 'no.such': null } } })
      .then([set('a.number', { value: 3 }), set('a.list', { value: [true, 'x'] }), { type: 'ConfigValueRemoved', data: { key: 'oauth2.client_id' } }]);
  });

  it('records a _secret key only sealed', () => {
    spec.given([]).when({ type: 'SetConfigValues', data: { values: { 'oauth2.client_secret': { value: 'plain' } } } }).thenFails(ValidationFailed, (e) =>
      expect(e.errors).toEqual({ 'oauth2.client_secret': 'Secret values must be sealed' }),
    );
    spec.given([]).when({ type: 'SetConfigValues', data: { values: { 'oauth2.client_secret': { sealed } } } }).then([set('oauth2.client_secret', { sealed })]);
  });

  it('refuses blank and overlong keys and records nothing of the request', () => {
    spec.given([]).when({ type: 'SetConfigValues', data: { values: { ' ': { value: 1 }, ok: { value: 1 } } } }).thenFails(ValidationFailed, (e) =>
      expect(e.errors).toEqual({ ' ': "Key can't be blank" }),
    );
    spec.given([]).when({ type: 'ReplaceConfig', data: { values: { ['k'.repeat(257)]: { value: 1 } } } }).thenFails(ValidationFailed);
  });

  it('replaces the whole config: keys not given are removed', () => {
    spec
      .given(configured)
      .when({ type: 'ReplaceConfig', data: { values: { 'oauth2.client_id': { value: 'abc' }, 'x.y': { value: 'z' } } } })
      .then([{ type: 'ConfigValueRemoved', data: { key: 'oauth2.client_secret' } }, set('x.y', { value: 'z' })]);
  });

  it('clears every key at once, and records nothing when already empty', () => {
    spec.given(configured).when({ type: 'ClearConfig', data: {} }).then([{ type: 'ConfigCleared', data: { keys: ['oauth2.client_id', 'oauth2.client_secret'] } }]);
    spec.given([]).when({ type: 'ClearConfig', data: {} }).then([]);
  });

  it('removes one key if present', () => {
    spec.given(configured).when({ type: 'RemoveConfigValue', data: { key: 'oauth2.client_id' } }).then([{ type: 'ConfigValueRemoved', data: { key: 'oauth2.client_id' } }]);
    spec.given(configured).when({ type: 'RemoveConfigValue', data: { key: 'nope' } }).then([]);
  });

  it('remembers the data key the secrets are sealed with, even after a clear', () => {
    const state = fold(configDecider, [...configured, { type: 'ConfigCleared', data: { keys: ['oauth2.client_id', 'oauth2.client_secret'] } }]);
    expect(state).toEqual({ values: {}, data_key_id: 'config:k1' });
  });

  it('knows which keys are sealed and which configure the auth provider (kontena-behaviour.md §8, §9)', () => {
    expect(['oauth2.client_secret', 'x_secret', 'oauth2.client_id'].map(isSealedConfigKey)).toEqual([true, true, false]);
    expect(['oauth2.anything', 'server.root_url', 'server.name', 'oauth2'].map(isAuthProviderKey)).toEqual([true, true, false, false]);
  });

  describe('properties', () => {
    const json: fc.Arbitrary<ConfigValue> = fc.jsonValue().filter((v): v is ConfigValue => v !== null) as fc.Arbitrary<ConfigValue>;
    const values = fc.dictionary(
      fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom('toString', '__proto__', 'constructor')).filter((k) => k.trim() !== '' && !isSealedConfigKey(k)),
      json.map((value): StoredConfigValue => ({ value })),
      { maxKeys: 6 },
    );

    it('applying the same values twice records nothing the second time (PATCH and PUT)', () => {
      fc.assert(
        fc.property(values, fc.boolean(), (input, replace) => {
          const command = replace ? { type: 'ReplaceConfig' as const, data: { values: input } } : { type: 'SetConfigValues' as const, data: { values: input } };
          const first = configDecider.decide(command, configDecider.initialState, testContext);
          if (isDomainError(first)) throw first;
          const second = configDecider.decide(command, fold(configDecider, first), testContext);
          expect(second).toEqual([]);
          expect(fold(configDecider, first).values).toEqual(input);
        }),
      );
    });
  });
});
