// Kontena builds its scheduling strings and messages with Ruby's String#% and Array#inspect; these
// reproduce the parts that matter so references and error messages read the same.

const INSTANCE_DIRECTIVE = /%(?:%|(-|0)?(\d*)([sdi]))/g;

/**
 * Ruby's `text % [instanceNumber]` for the directives people use in affinities, `volumes_from` and
 * `net`: `%s`, `%d`, `%i` (with an optional `0`/`-` flag and width) and `%%`.
 * Every directive gets the instance number and any other `%` is left alone, where Ruby would raise
 * ("too few arguments", "malformed format string") and fail the deploy (kontena-behaviour.md §4).
 */
export function substituteInstance(text: string, instanceNumber: number): string {
  if (!text.includes('%')) return text;
  return text.replace(
    INSTANCE_DIRECTIVE,
    (whole, flag: string | undefined, width: string, conv: string | undefined) => {
      if (conv === undefined) return '%';
      const digits = String(instanceNumber);
      const size = width === '' ? 0 : Number(width);
      if (digits.length >= size) return digits;
      if (flag === '-') return digits.padEnd(size, ' ');
      if (flag === '0' && conv !== 's') return digits.padStart(size, '0');
      return digits.padStart(size, ' ');
    },
  );
}

/** Ruby `Array#inspect` of strings: `["local", "foo"]`. */
export function inspectStrings(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

/** Ruby `Array#inspect` of integers: `[80, 443]`. */
export function inspectNumbers(values: readonly number[]): string {
  return `[${values.join(', ')}]`;
}

/** Ruby `Float#to_s` for ordinary values: `2.0`, `1.5`. */
export function rubyFloat(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? value.toFixed(1) : String(value);
}
