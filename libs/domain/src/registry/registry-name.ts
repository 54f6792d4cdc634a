/** Kontena's URL filter (kontena-behaviour.md §2, `registries/create.rb`): http(s) and no whitespace. */
export const REGISTRY_URL = /^https?:\/\/\S+$/;

/**
 * A registry's name, which is also its id within the grid: the URL's host, plus `:port` unless the port
 * is 80 or 443 (Kontena's rule, so `http://r:443` is `r` too). `undefined` when the URL has no host,
 * where Kontena's `URI.parse` raised and answered 500. Hosts are lower-cased (WHATWG URL), since a
 * host name is case-insensitive and one registry should not get two names.
 */
export function registryName(url: string): string | undefined {
  if (!REGISTRY_URL.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!parsed.hostname) return undefined;
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  return port === 80 || port === 443 ? parsed.hostname : `${parsed.hostname}:${port}`;
}
