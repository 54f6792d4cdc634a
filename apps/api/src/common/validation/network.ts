import { isIPv4, isIPv6 } from 'node:net';

/**
 * Parses an address or CIDR the way Ruby's `IPAddr.new` accepts them (kontena-behaviour.md §2, grid
 * subnets); returns Kontena's error text for anything else.
 */
export function cidrError(value: string): string | undefined {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0) return `invalid address: ${value}`;
  const v4 = isIPv4(address);
  if (!v4 && !isIPv6(address)) return `invalid address: ${value}`;
  if (prefix === undefined) return undefined;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (v4 ? 32 : 128)) return `invalid address: ${value}`;
  return undefined;
}
