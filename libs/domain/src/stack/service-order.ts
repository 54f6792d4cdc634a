/**
 * Orders a stack's services so each comes after the services it links to within the stack
 * (`stacks/sort_helper.rb`). Links to other stacks (`stack/service`) are ignored here. A link to a name the
 * stack does not define, or a cycle, is refused with Kontena's messages (kontena-behaviour.md §2):
 * `service api has missing links: redis`, `service api has recursive links: ["api", [...]]`.
 */

export interface LinkOrderError {
  kind: 'missing' | 'recursive';
  /** The service the error is reported for (Kontena's error key `services.<service>.links`). */
  service: string;
  message: string;
}

/** A service as a stack file gives it: any JSON object; only `name` and `links[].name` matter here. */
export type StackServiceInput = Record<string, unknown>;

export function serviceName(service: StackServiceInput): string | undefined {
  return typeof service.name === 'string' ? service.name : undefined;
}

/** Stack-local links of a service as written: link names without `/`. */
export function localLinks(service: StackServiceInput): string[] {
  const links = Array.isArray(service.links) ? service.links : [];
  return links
    .map((link) => (link && typeof link === 'object' ? (link as Record<string, unknown>).name : undefined))
    .filter((name): name is string => typeof name === 'string' && !name.includes('/'));
}

/** A link list whose elements are names or (references to) other services' link lists, as Kontena builds it. */
type LinkTree = (string | LinkTree)[];

/** Ruby's `Array#inspect`, including its `[...]` for an array that contains itself. */
function inspect(tree: LinkTree, open: Set<LinkTree> = new Set()): string {
  if (open.has(tree)) return '[...]';
  open.add(tree);
  const text = `[${tree.map((item) => (typeof item === 'string' ? JSON.stringify(item) : inspect(item, open))).join(', ')}]`;
  open.delete(tree);
  return text;
}

/** Whether flattening `tree` would meet `tree` again (Ruby's `flatten` raises on recursive arrays). */
function isRecursive(tree: LinkTree, open: Set<LinkTree> = new Set()): boolean {
  if (open.has(tree)) return true;
  open.add(tree);
  const recursive = tree.some((item) => typeof item !== 'string' && isRecursive(item, open));
  open.delete(tree);
  return recursive;
}

function flatten(tree: LinkTree, into: Set<string> = new Set()): Set<string> {
  for (const item of tree) {
    if (typeof item === 'string') into.add(item);
    else flatten(item, into);
  }
  return into;
}

export function orderServicesByLinks<S extends StackServiceInput>(
  services: readonly S[],
): { order: S[] } | { error: LinkOrderError } {
  // Kontena's algorithm, step by step, so the error (which service, which message) is the same: each
  // service's shallow link names, then a reference to each linked service's own list.
  const trees = new Map<string, LinkTree>();
  for (const service of services) {
    const name = serviceName(service);
    if (name !== undefined) trees.set(name, [...localLinks(service)]);
  }
  for (const [name, tree] of trees) {
    for (const linked of [...tree] as string[]) {
      const linkedTree = trees.get(linked);
      if (!linkedTree)
        return {
          error: { kind: 'missing', service: name, message: `service ${name} has missing links: ${linked}` },
        };
      tree.push(linkedTree);
    }
  }
  const deep = new Map<string, Set<string>>();
  for (const [name, tree] of trees) {
    if (isRecursive(tree))
      return {
        error: {
          kind: 'recursive',
          service: name,
          message: `service ${name} has recursive links: ${inspect(tree)}`,
        },
      };
    deep.set(name, flatten(tree));
  }
  // A service's deep links strictly contain those of every service it links to, so a stable sort by their
  // number puts each service after its links (Kontena's comparator, without its unstable sort).
  const weight = (service: S) => deep.get(serviceName(service) ?? '')?.size ?? 0;
  return { order: [...services].sort((a, b) => weight(a) - weight(b)) };
}
