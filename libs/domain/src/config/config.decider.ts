import { assertNever, Decider, Decision } from '../shared/decider';
import { ErrorHash, ValidationFailed } from '../shared/domain-error';
import type { ConfigCommand } from './config.commands';
import { ConfigEvent, isSealedConfigKey, StoredConfigValue } from './config.events';

/**
 * The master's configuration: one aggregate, stream `config-master`. `data_key_id` is the vault key the
 * `_secret` values are sealed with, remembered from the values themselves so it is created only once.
 */
export interface ConfigState {
  readonly values: Readonly<Record<string, StoredConfigValue>>;
  readonly data_key_id: string | null;
}

const initialState: ConfigState = { values: {}, data_key_id: null };

const MAX_KEY_LENGTH = 256;

function evolve(state: ConfigState, event: ConfigEvent): ConfigState {
  switch (event.type) {
    case 'ConfigValueSet': {
      const { key, ...stored } = event.data;
      const data_key_id = 'sealed' in stored ? stored.sealed.key_id : state.data_key_id;
      return { values: { ...state.values, [key]: stored }, data_key_id };
    }
    case 'ConfigValueRemoved': {
      const { [event.data.key]: _removed, ...values } = state.values;
      return { ...state, values };
    }
    case 'ConfigCleared':
      return { ...state, values: {} };
    default:
      return assertNever(event, 'config event');
  }
}

/** A key's problem, if any: keys are non-blank, bounded, and a `_secret` key's value is only ever sealed. */
function keyError(key: string, stored: StoredConfigValue | null): string | undefined {
  if (key.trim() === '') return "Key can't be blank";
  if (key.length > MAX_KEY_LENGTH) return 'Key is too long';
  if (stored && isSealedConfigKey(key) && !('sealed' in stored)) return 'Secret values must be sealed';
  return undefined;
}

function validate(values: Record<string, StoredConfigValue | null>): ValidationFailed | undefined {
  const errors: ErrorHash = {};
  for (const [key, stored] of Object.entries(values)) {
    const error = keyError(key, stored);
    if (error) errors[key] = error;
  }
  return Object.keys(errors).length ? new ValidationFailed(errors) : undefined;
}

/** Sealed values compare by their ciphertext: the caller passes the stored one back when the secret is unchanged. */
const same = (a: StoredConfigValue | undefined, b: StoredConfigValue) => a !== undefined && JSON.stringify(a) === JSON.stringify(b);

/** Keys are client input: `toString` or `__proto__` are keys like any other, never inherited properties. */
const has = (values: Readonly<Record<string, StoredConfigValue>>, key: string) => Object.prototype.hasOwnProperty.call(values, key);

/** The events that give the keys in `values` their new values (`null`: removed), recording only real changes. */
function changes(state: ConfigState, values: Record<string, StoredConfigValue | null>): ConfigEvent[] {
  const events: ConfigEvent[] = [];
  for (const [key, stored] of Object.entries(values)) {
    if (stored === null) {
      if (has(state.values, key)) events.push({ type: 'ConfigValueRemoved', data: { key } });
    } else if (!same(has(state.values, key) ? state.values[key] : undefined, stored)) {
      events.push({ type: 'ConfigValueSet', data: { key, ...stored } });
    }
  }
  return events;
}

function decide(command: ConfigCommand, state: ConfigState): Decision<ConfigEvent> {
  switch (command.type) {
    case 'SetConfigValues':
      return validate(command.data.values) ?? changes(state, command.data.values);
    case 'ReplaceConfig': {
      const invalid = validate(command.data.values);
      if (invalid) return invalid;
      const dropped = Object.keys(state.values).filter((key) => !has(command.data.values as Record<string, StoredConfigValue>, key));
      return changes(state, { ...Object.fromEntries(dropped.map((key) => [key, null])), ...command.data.values });
    }
    case 'ClearConfig': {
      const keys = Object.keys(state.values);
      return keys.length ? [{ type: 'ConfigCleared', data: { keys } }] : [];
    }
    case 'RemoveConfigValue':
      return has(state.values, command.data.key) ? [{ type: 'ConfigValueRemoved', data: { key: command.data.key } }] : [];
    default:
      return assertNever(command, 'config command');
  }
}

export const configDecider: Decider<ConfigState, ConfigCommand, ConfigEvent> = { initialState, evolve, decide };

/** The one config aggregate's id (stream `config-master`, read model `config:master`). */
export const MASTER_CONFIG_ID = 'master';
