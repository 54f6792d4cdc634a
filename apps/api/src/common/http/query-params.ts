import type { ErrorHash } from '@libs/domain';
import { HttpProblem } from './errors';

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: ErrorHash };

/** Rack's `r['x']`: the last of repeated parameters; `undefined` when absent, `null` when not a string. */
export function scalar(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return typeof last === 'string' ? last : null;
}

/** The parsed value, or 400 `{"error":{"<param>":"…"}}` naming each bad parameter. */
export function orBadRequest<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new HttpProblem(400, { error: parsed.errors });
  return parsed.value;
}

const TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?| \d{2}:?\d{2})?$/i;

/**
 * An ISO 8601 time, or Ruby's `Time#to_s` (`2017-01-01 12:00:00 UTC`, what Kontena's own specs sent); no
 * zone means UTC. A `+hh:mm` zone sent unencoded arrives as ` hh:mm` (`+` is a space in a query string)
 * and is read as the `+` it was.
 */
export function parseTime(raw: string): number | undefined {
  const match = TIME.exec(raw.trim());
  if (!match) return undefined;
  const [y, mo, d, hh = 0, mm = 0, ss = 0] = match
    .slice(1, 7)
    .map((part) => (part === undefined ? undefined : Number(part)));
  const ms = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(y!, mo! - 1, d, hh, mm, ss, ms);
  // Date.UTC rolls impossible times over (February 30th, 24:00); a round trip catches them.
  const back = new Date(utc);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo! - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== hh ||
    back.getUTCMinutes() !== mm ||
    back.getUTCSeconds() !== ss
  ) {
    return undefined;
  }
  const zone = (match[8] ?? 'Z').toUpperCase().replace(/^ /, '+');
  if (zone === 'Z' || zone === 'UTC') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  if (offsetMinutes > 18 * 60) return undefined;
  return utc - sign * offsetMinutes * 60_000;
}
