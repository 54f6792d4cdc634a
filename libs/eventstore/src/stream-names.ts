/**
 * One stream per aggregate instance, `<category>-<id>` (DESIGN.md §3). The category is a lower-case word
 * without `-`, so the first `-` always separates it from the id, which may itself contain `-` and `/`.
 */
export const CATEGORIES = [
  'grid',
  'node',
  'stack',
  'service',
  'secret',
  'registry',
  'volume',
  'user',
  'token',
  'config',
  'deploy',
  'stackdeploy',
  /** Where each instance of a service is placed; written by the reconciler (docs/reconciliation.md). */
  'placement',
] as const;

export type Category = (typeof CATEGORIES)[number];

export function streamName(category: Category, id: string): string {
  if (!id) throw new Error(`empty id for a ${category} stream`);
  return `${category}-${id}`;
}

export function parseStreamName(name: string): { category: Category; id: string } | undefined {
  const dash = name.indexOf('-');
  if (dash <= 0) return undefined;
  const category = name.slice(0, dash) as Category;
  if (!CATEGORIES.includes(category)) return undefined;
  return { category, id: name.slice(dash + 1) };
}
