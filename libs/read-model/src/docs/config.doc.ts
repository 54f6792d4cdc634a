import type { ConfigValue, SealedValue } from '@libs/domain';

/**
 * `doc('config', 'master')`: the master's configuration. `_secret` values stay sealed here too (DESIGN.md §7);
 * the api opens them for master_admins and for its own use (the auth provider's client secret).
 */
export interface ConfigDoc {
  values: Record<string, ConfigValue>;
  sealed: Record<string, SealedValue>;
  updated_at: string;
}
