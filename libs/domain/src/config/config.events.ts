import type { DomainEvent } from '../shared/decider';
import type { SealedValue } from '../shared/sealed';

/** A configuration value as clients send it: any JSON (Kontena stored whatever the body held). */
export type ConfigValue = string | number | boolean | ConfigValue[] | { [key: string]: ConfigValue };

/**
 * What the config records for a key: the value itself, or, for keys ending in `_secret`, only its sealed
 * form (kontena-behaviour.md §9: Configuration keys ending `_secret` are encrypted; DESIGN.md §7).
 */
export type StoredConfigValue = { value: ConfigValue } | { sealed: SealedValue };

/** Keys whose values are secret material and may only be recorded sealed. */
export function isSealedConfigKey(key: string): boolean {
  return key.endsWith('_secret');
}

/**
 * Keys that configure the external auth provider; changing any of them forgets every user's link to the
 * old provider (kontena-behaviour.md §8, `config_api.rb` `is_auth_key?`).
 */
export function isAuthProviderKey(key: string): boolean {
  return key.startsWith('oauth2.') || key === 'server.root_url';
}

export type ConfigValueSet = DomainEvent<'ConfigValueSet', { key: string } & StoredConfigValue>;
export type ConfigValueRemoved = DomainEvent<'ConfigValueRemoved', { key: string }>;
/** Every key removed at once (DELETE /v1/config; Kontena audits this as `destroy_all`). */
export type ConfigCleared = DomainEvent<'ConfigCleared', { keys: string[] }>;

export type ConfigEvent = ConfigValueSet | ConfigValueRemoved | ConfigCleared;
