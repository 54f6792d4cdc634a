/**
 * The part of JSONPath that auth-provider userinfo settings use (Kontena's `userinfo_*_jsonpath`, e.g.
 * `$..username;$..login`): `$`, `.key`, `..key` (anywhere below), `[n]`. Several paths separated by `;` are
 * tried in order; the first hit wins, and a hit that is a list gives its first element (auth_provider.rb).
 */
type Step = { descend: boolean; key: string } | { index: number };

function parse(path: string): Step[] | undefined {
  const text = path.trim();
  if (!text.startsWith('$')) return undefined;
  const steps: Step[] = [];
  const pattern = /(\.\.|\.)([A-Za-z0-9_-]+)|\[(\d+)\]/y;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < text.length) {
    const match = pattern.exec(text);
    if (!match) return undefined;
    steps.push(match[3] !== undefined ? { index: Number(match[3]) } : { descend: match[1] === '..', key: match[2] });
  }
  return steps;
}

/** Every value in `node` and below, the node itself first (document order). */
function* walk(node: unknown): Generator<unknown> {
  yield node;
  if (Array.isArray(node)) for (const child of node) yield* walk(child);
  else if (node && typeof node === 'object') for (const child of Object.values(node)) yield* walk(child);
}

function apply(nodes: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const node of nodes) {
    if ('index' in step) {
      if (Array.isArray(node) && step.index < node.length) out.push(node[step.index]);
      continue;
    }
    for (const candidate of step.descend ? walk(node) : [node]) {
      if (candidate && typeof candidate === 'object' && !Array.isArray(candidate) && Object.prototype.hasOwnProperty.call(candidate, step.key)) {
        out.push((candidate as Record<string, unknown>)[step.key]);
      }
    }
  }
  return out;
}

export function jsonPathFirst(document: unknown, paths: string): unknown {
  // Kontena's default user-id paths separate the last two with a comma (`$..userid,$..user_id`).
  for (const path of paths.split(/[;,]/)) {
    const steps = parse(path);
    if (!steps) continue;
    const hits = steps.reduce<unknown[]>((nodes, step) => apply(nodes, step), [document]).filter((v) => v !== undefined && v !== null);
    if (hits.length) return Array.isArray(hits[0]) ? hits[0][0] : hits[0];
  }
  return undefined;
}
