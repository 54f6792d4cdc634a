import type { Command } from '../shared/decider';
import type { StoredConfigValue } from './config.events';

/** PATCH /v1/config: upserts the given keys; `null` removes a key, as Kontena's `Configuration.put(key, nil)`. */
export type SetConfigValues = Command<'SetConfigValues', { values: Record<string, StoredConfigValue | null> }>;
/** PUT /v1/config: afterwards the config holds exactly these keys. */
export type ReplaceConfig = Command<'ReplaceConfig', { values: Record<string, StoredConfigValue> }>;
/** DELETE /v1/config. */
export type ClearConfig = Command<'ClearConfig', Record<string, never>>;
/** DELETE /v1/config/:key. */
export type RemoveConfigValue = Command<'RemoveConfigValue', { key: string }>;

export type ConfigCommand = SetConfigValues | ReplaceConfig | ClearConfig | RemoveConfigValue;
