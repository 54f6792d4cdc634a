// Affinity strings (kontena-behaviour.md §4, filter 5): `key(==|!=)[~]value`, value `/regex/` or exact.

export type AffinityKey = 'node' | 'label' | 'container' | 'service';

export interface Affinity {
  /** The affinity after instance substitution, as quoted in error messages. */
  readonly text: string;
  readonly key: AffinityKey;
  /** `!=`: the node must NOT match. */
  readonly negate: boolean;
  /** `~`: ignored when no node satisfies it. */
  readonly soft: boolean;
  /** The value as written (for `service`, before stack prefixing). */
  readonly value: string;
  /** Set when the value is `/…/`. */
  readonly pattern: RegExp | null;
}

export type AffinityParse =
  { readonly ok: true; readonly affinity: Affinity } | { readonly ok: false; readonly reason: string };

// Kontena's split: the key is greedy, so `a==b==c` has key `a==b`.
const SPLIT = /^(.+)(==|!=)(~)?(.+)/;
const KEYS: ReadonlySet<string> = new Set<AffinityKey>(['node', 'label', 'container', 'service']);

/** Parses one affinity (already substituted). Errors are Kontena's messages, plus one for a bad regex. */
export function parseAffinity(text: string): AffinityParse {
  const m = SPLIT.exec(text);
  if (!m) return { ok: false, reason: `Invalid affinity filter: ${text}` };
  const [, key, comparator, flag, value] = m as unknown as [
    string,
    string,
    string,
    string | undefined,
    string,
  ];
  if (!KEYS.has(key)) return { ok: false, reason: `Unknown affinity filter: ${key}` };
  let pattern: RegExp | null = null;
  if (isRegexValue(value)) {
    try {
      pattern = new RegExp(rubyRegexSource(value.slice(1, -1)));
    } catch {
      // Ruby raises a RegexpError that crashes the deploy; say what is wrong instead (kontena-behaviour.md §4).
      return { ok: false, reason: `Invalid affinity filter regex: ${text}` };
    }
  }
  return {
    ok: true,
    affinity: {
      text,
      key: key as AffinityKey,
      negate: comparator === '!=',
      soft: flag === '~',
      value,
      pattern,
    },
  };
}

/** Kontena treats a value that starts and ends with `/` as a regex (so `/` alone is the empty regex). */
export function isRegexValue(value: string): boolean {
  return value.startsWith('/') && value.endsWith('/');
}

/**
 * Ruby and JavaScript regexes agree on everything affinities use except Ruby's string anchors
 * `\A`, `\z`, `\Z` and the hex class `\h`; translate those.
 */
export function rubyRegexSource(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch !== '\\' || i + 1 >= source.length) {
      if (ch === '[') inClass = true;
      else if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    const next = source[++i];
    if (next === 'h') out += inClass ? '0-9a-fA-F' : '[0-9a-fA-F]';
    else if (inClass) out += ch + next;
    else if (next === 'A') out += '^';
    else if (next === 'z') out += '$';
    else if (next === 'Z') out += '(?=\\n?$)';
    else out += ch + next;
  }
  return out;
}

/** Does `candidate` satisfy an affinity value (exact or regex)? */
export function valueMatches(affinity: Affinity, candidate: string): boolean {
  return affinity.pattern ? affinity.pattern.test(candidate) : candidate === affinity.value;
}
