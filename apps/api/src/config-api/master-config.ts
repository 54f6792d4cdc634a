import { CONFIG_STREAM } from './config-changes';
import { Injectable } from '@nestjs/common';
import { ConfigValue, MASTER_CONFIG_ID, SealedValue } from '@libs/domain';
import type { ConfigDoc } from '@libs/read-model';
import { DataKeyDestroyed, Vault } from '@libs/vault';
import { ReadModels } from '../platform/read-models';

/** Binds a sealed config value to its key, so it cannot be replayed under another key. */
export const configPurpose = (key: string) => `config:${key}`;

/** Sealed values hold JSON text, so any value a client sent comes back as it was. */
export function openConfigValue(vault: Vault, key: string, sealed: SealedValue): ConfigValue | undefined {
  try {
    return JSON.parse(vault.open(sealed, configPurpose(key))) as ConfigValue;
  } catch (error) {
    if (error instanceof DataKeyDestroyed) return undefined;
    throw error;
  }
}

/**
 * The master's configuration as the api uses it: a flat hash with `_secret` values opened. Only master_admins
 * reach the config routes, and the auth provider needs its client secret in the clear to talk to the provider.
 */
@Injectable()
export class MasterConfig {
  constructor(
    private readonly readModels: ReadModels,
    private readonly vault: Vault,
  ) {}

  async values(): Promise<Record<string, ConfigValue>> {
    return (await this.snapshot()).values;
  }

  /** The values with the config stream's revision they reflect, read together (the `ETag` of GET /v1/config). */
  async snapshot(): Promise<{ values: Record<string, ConfigValue>; revision: bigint | undefined }> {
    const { doc, revision } = await this.readModels.reader.docAt<ConfigDoc>(
      'config',
      MASTER_CONFIG_ID,
      CONFIG_STREAM,
    );
    return { values: this.open(doc), revision };
  }

  private open(doc: ConfigDoc | undefined): Record<string, ConfigValue> {
    if (!doc) return {};
    const out: Record<string, ConfigValue> = {};
    const put = (key: string, value: ConfigValue | undefined) => {
      if (value !== undefined)
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    };
    for (const [key, value] of Object.entries(doc.values)) put(key, value);
    for (const [key, sealed] of Object.entries(doc.sealed))
      put(key, openConfigValue(this.vault, key, sealed));
    return out;
  }

  async value(key: string): Promise<ConfigValue | undefined> {
    const values = await this.values();
    return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : undefined;
  }
}
