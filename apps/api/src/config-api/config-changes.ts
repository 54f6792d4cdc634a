import { Injectable } from '@nestjs/common';
import {
  ConfigCommand,
  configDecider,
  ConfigEvent,
  ConfigState,
  ConfigValue,
  isAuthProviderKey,
  isSealedConfigKey,
  MASTER_CONFIG_ID,
  StoredConfigValue,
} from '@libs/domain';
import { AggregateCommandHandler, streamName } from '@libs/eventstore';
import { Vault } from '@libs/vault';
import type { RequestContext } from '../common/http/request-context';
import { CommandExecutor } from '../platform/command-executor';
import { ExternalIdentities } from '../users/external-identities';
import { configPurpose, openConfigValue } from './master-config';

export const CONFIG_STREAM = streamName('config', MASTER_CONFIG_ID);

/** The keys an event changed. */
function touchedKeys(event: ConfigEvent): string[] {
  return event.type === 'ConfigCleared' ? event.data.keys : [event.data.key];
}

/**
 * Writes the config: `_secret` values are sealed with the config's own vault data key before any command is
 * built (so plaintext never reaches an event), an unchanged secret keeps its sealed form (so re-sending it
 * records nothing), and a change to the auth provider's keys forgets users' provider links (§8).
 */
@Injectable()
export class ConfigChanges {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly aggregates: AggregateCommandHandler,
    private readonly vault: Vault,
    private readonly identities: ExternalIdentities,
  ) {}

  /** PATCH: upserts; `null` removes the key. */
  async set(ctx: RequestContext, values: Record<string, ConfigValue | null>): Promise<void> {
    await this.withSealed(values, (stored) => this.run(ctx, { type: 'SetConfigValues', data: { values: stored } }));
  }

  /** PUT: exactly these keys afterwards (a `null` value means the key is absent). */
  async replace(ctx: RequestContext, values: Record<string, ConfigValue | null>): Promise<void> {
    const present = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null)) as Record<string, ConfigValue>;
    await this.withSealed(present, (stored) => this.run(ctx, { type: 'ReplaceConfig', data: { values: stored as Record<string, StoredConfigValue> } }));
  }

  clear(ctx: RequestContext): Promise<void> {
    return this.run(ctx, { type: 'ClearConfig', data: {} });
  }

  remove(ctx: RequestContext, key: string): Promise<void> {
    return this.run(ctx, { type: 'RemoveConfigValue', data: { key } });
  }

  private async run(ctx: RequestContext, command: ConfigCommand): Promise<void> {
    const { events } = await this.executor.execute(ctx, CONFIG_STREAM, configDecider, command, { pinToIfMatch: true });
    if (events.some((event) => touchedKeys(event).some(isAuthProviderKey))) await this.identities.forgetAll(ctx);
  }

  /** Seals the `_secret` values with the config's data key (created on first use) and runs `work` with them. */
  private async withSealed(values: Record<string, ConfigValue | null>, work: (stored: Record<string, StoredConfigValue | null>) => Promise<void>): Promise<void> {
    const state: ConfigState = await this.aggregates.load(CONFIG_STREAM, configDecider);
    const needsKey = Object.entries(values).some(([key, value]) => value !== null && isSealedConfigKey(key));
    const newKey = needsKey && !state.data_key_id ? this.vault.createDataKey('config') : undefined;
    const dataKeyId = state.data_key_id ?? newKey;

    const stored: Record<string, StoredConfigValue | null> = {};
    for (const [key, value] of Object.entries(values)) {
      const entry = value === null ? null : isSealedConfigKey(key) ? this.sealed(state, dataKeyId!, key, value) : { value };
      Object.defineProperty(stored, key, { value: entry, enumerable: true, writable: true, configurable: true });
    }
    try {
      await work(stored);
    } catch (error) {
      // Nothing refers to a key whose first use was refused.
      if (newKey) this.vault.destroyDataKey(newKey);
      throw error;
    }
  }

  private sealed(state: ConfigState, dataKeyId: string, key: string, value: ConfigValue): StoredConfigValue {
    const current = Object.prototype.hasOwnProperty.call(state.values, key) ? state.values[key] : undefined;
    if (current && 'sealed' in current && JSON.stringify(openConfigValue(this.vault, key, current.sealed)) === JSON.stringify(value)) return current;
    return { sealed: this.vault.seal(dataKeyId, JSON.stringify(value), configPurpose(key)) };
  }
}
