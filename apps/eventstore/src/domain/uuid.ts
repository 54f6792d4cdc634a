/**
 * Event ids. The server accepts what .NET's `Guid.Parse` accepts (spec §5 gotcha 7) and stores the
 * canonical lower-case hyphenated form, which is what it sends back in the string form.
 */

const HEX32 = /^[0-9a-f]{32}$/;
const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Formats "D" (hyphens), "N" (32 digits), "B" ({D}) and "P" ((D)). Undefined when malformed. */
export function parseUuid(text: string): string | undefined {
  let value = text.trim().toLowerCase();
  if ((value.startsWith('{') && value.endsWith('}')) || (value.startsWith('(') && value.endsWith(')'))) {
    value = value.slice(1, -1);
  }
  if (CANONICAL.test(value)) return value;
  if (HEX32.test(value)) return hyphenate(value);
  return undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The structured form: the two halves as signed big-endian int64s (`Uuid.FromInt64`). Undefined
 * when either half is not an int64.
 */
export function uuidFromStructured(
  mostSignificantBits: string,
  leastSignificantBits: string,
): string | undefined {
  const halves = [mostSignificantBits, leastSignificantBits].map((half) => {
    if (!/^-?\d+$/.test(half)) return undefined;
    const value = BigInt(half);
    return value < INT64_MIN || value > INT64_MAX
      ? undefined
      : BigInt.asUintN(64, value).toString(16).padStart(16, '0');
  });
  if (halves[0] === undefined || halves[1] === undefined) return undefined;
  return hyphenate(halves[0] + halves[1]);
}

export function uuidToStructured(uuid: string): {
  mostSignificantBits: string;
  leastSignificantBits: string;
} {
  const hex = uuid.replace(/-/g, '');
  return {
    mostSignificantBits: BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString(),
    leastSignificantBits: BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString(),
  };
}

export const EMPTY_UUID = '00000000-0000-0000-0000-000000000000';

function hyphenate(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
