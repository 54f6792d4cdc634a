import type { ErrorHash } from '../shared/domain-error';
import { NULL_STACK, ServiceDefinition, ServiceVolume } from './service.definition';

/**
 * Kontena's service rules that need no other resource (kontena-behaviour.md §2, `grid_services/common.rb`,
 * `helpers/volumes_helpers.rb`, `helpers/duration.rb`). The API's DTOs and the deciders both use them.
 */

/** Service and stack names: word characters and `-`, not starting with `-`. */
export const SERVICE_NAME_PATTERN = /^(?!-)(\w|-)+$/;
export const ENV_PATTERN = /^[^=]+=/;
export const ENV_MAX_LENGTH = 128 * 1024;
export const NET_PATTERN = /^(bridge|host|container:.+)$/;
export const STOP_SIGNAL_PATTERN = /^((SIG)([A-Z0-9]+|RTMIN\+\d+|RTMAX-\d+)|\d+)$/i;
export const DURATION_PATTERN = /^(?:(\d+(?:\.\d+)?)([hms]))*$/;

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1 };

/** `1m23s` → 83. Kontena stores the float sum in an Integer field, which truncates. */
export function durationSeconds(duration: string): number {
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+(?:\.\d+)?)([hms])/g))
    total += Number(amount) * UNIT_SECONDS[unit];
  return Math.trunc(total);
}

/** A volume definition as written (`name:/data:ro`), `volume` still the name used in the definition. */
export function parseVolume(definition: string): ServiceVolume | { error: string } {
  // Ruby's `split` drops trailing empty fields.
  const elements = definition.split(':');
  while (elements.length > 0 && elements[elements.length - 1] === '') elements.pop();
  const flags = () => elements.slice(2).join(',');
  if (elements.length >= 2) {
    const [source, path] = elements;
    if (source.startsWith('/') && path.startsWith('/'))
      return { bind_mount: source, volume: null, path, flags: flags() };
    // Kontena accepted an empty volume name (`:/data`) and silently made the volume anonymous; refused here.
    if (source !== '' && !source.startsWith('/') && path.startsWith('/'))
      return { bind_mount: null, volume: source, path, flags: flags() };
  } else if (elements.length === 1 && elements[0].startsWith('/')) {
    // Anonymous volumes take no flags.
    return { bind_mount: null, volume: null, path: elements[0], flags: null };
  }
  return { error: `Volume definition '${definition}' not in right format` };
}

/** `ServiceVolume#to_s`: how a volume appears in the service JSON. */
export function volumeToString(volume: ServiceVolume): string {
  const elements: string[] = [];
  if (volume.volume) elements.push(volume.volume);
  else if (volume.bind_mount) elements.push(volume.bind_mount);
  elements.push(volume.path);
  if (volume.flags) elements.push(volume.flags);
  return elements.join(':');
}

export function isAnonymous(volume: ServiceVolume): boolean {
  return !volume.volume && !volume.bind_mount;
}

/** The DNS domain of a stack's services: `<stack>.<grid>.kontena.local`, or `<grid>.kontena.local` for `null`. */
export function stackDomain(grid: string, stack: string): string {
  return stack === NULL_STACK ? `${grid}.kontena.local` : `${stack}.${grid}.kontena.local`;
}

/**
 * Instance host names (`<name>-<n>.<domain>`) must fit in 64 characters (`validate_name`), checked for the
 * highest instance number.
 */
export function nameLengthError(
  grid: string,
  stack: string,
  name: string,
  instances: number,
): string | undefined {
  const fqdn = `${name}-${instances}.${stackDomain(grid, stack)}`;
  return fqdn.length > 64
    ? `Total grid service name length ${fqdn.length} is over limit (64): ${fqdn}`
    : undefined;
}

/**
 * A link as written (`service` or `stack/service`) resolved against the linking service's stack
 * (`build_grid_service_links`: the last two path parts are stack and service).
 */
export function qualifyLink(
  name: string,
  ownStack: string,
): { stack: string; service: string; name: string } {
  const qualified = name.includes('/') ? name : `${ownStack}/${name}`;
  const parts = qualified.split('/');
  const service = parts[parts.length - 1];
  const stack = parts[parts.length - 2];
  return { stack, service, name: `${stack}/${service}` };
}

/** How Kontena shows a linked service: `stack/service`, or just `service` in the `null` stack. */
export function qualifiedServiceName(stack: string, name: string): string {
  return stack === NULL_STACK ? name : `${stack}/${name}`;
}

/** `GridService#env_hash`: the first `=` splits; a later duplicate key wins but keeps the first position. */
function envEntries(env: readonly string[]): Map<string, string> {
  const entries = new Map<string, string>();
  for (const pair of env) {
    const at = pair.indexOf('=');
    entries.set(at < 0 ? pair : pair.slice(0, at), at < 0 ? '' : pair.slice(at + 1));
  }
  return entries;
}

/** PUT's env merge (`build_grid_service_envs`): `KEY=` with an empty value keeps the current value. */
export function mergeEnv(current: readonly string[], given: readonly string[]): string[] {
  const existing = envEntries(current);
  return [...envEntries(given)].map(
    ([key, value]) => `${key}=${value === '' && existing.has(key) ? existing.get(key) : value}`,
  );
}

export function envKey(pair: string): string {
  const at = pair.indexOf('=');
  return at < 0 ? pair : pair.slice(0, at);
}

/**
 * `POST …/envs` sets a variable: it replaces the key's entry in place (Kontena appended a second entry for
 * the same key, leaving two values for one variable; the sensible meaning of "add" is "set").
 */
export function setEnv(env: readonly string[], pair: string): string[] {
  const key = envKey(pair);
  const at = env.findIndex((entry) => envKey(entry) === key);
  if (at < 0) return [...env, pair];
  return env.flatMap((entry, i) => (i === at ? [pair] : envKey(entry) === key ? [] : [entry]));
}

export function removeEnv(env: readonly string[], key: string): string[] {
  return env.filter((entry) => envKey(entry) !== key);
}

/**
 * Rules that depend on what the service already is (`grid_services/update.rb#validate`): a stateful service
 * cannot take `volumes_from`, nor gain an anonymous volume it does not already have (its data would not
 * follow the instance), and the host names must still fit.
 */
export function updateErrors(
  current: Pick<ServiceDefinition, 'stateful' | 'volumes' | 'instances'> & {
    grid: string;
    stack: string;
    name: string;
  },
  changes: Partial<Pick<ServiceDefinition, 'volumes' | 'volumes_from' | 'instances'>>,
): ErrorHash | undefined {
  const errors: ErrorHash = {};
  const length = nameLengthError(
    current.grid,
    current.stack,
    current.name,
    changes.instances ?? current.instances,
  );
  if (length) errors.name = length;
  if (current.stateful) {
    if (changes.volumes_from?.length) errors.volumes_from = 'Cannot combine stateful & volumes_from';
    const anonymous = new Set(current.volumes.filter(isAnonymous).map((v) => v.path));
    const added = (changes.volumes ?? []).filter((v) => isAnonymous(v) && !anonymous.has(v.path));
    if (added.length)
      errors.volumes = added.map(
        (v) => `Adding a new anonymous volume (${v.path}) to a stateful service is not supported`,
      );
  }
  return Object.keys(errors).length ? errors : undefined;
}
