import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { parseUuid, uuidFromStructured, uuidToStructured } from './uuid';

describe('parseUuid (.NET Guid.Parse formats)', () => {
  const canonical = '0f8fad5b-d9cb-469f-a165-70867728950e';
  it.each([
    canonical,
    canonical.toUpperCase(),
    '0f8fad5bd9cb469fa16570867728950e',
    `{${canonical}}`,
    `(${canonical})`,
    ` ${canonical} `,
  ])('accepts %s', (text) => {
    expect(parseUuid(text)).toBe(canonical);
  });

  it.each([
    '',
    'not-a-uuid',
    '0f8fad5b-d9cb-469f-a165-70867728950',
    '0f8fad5b-d9cb-469f-a165-70867728950z',
    `{${canonical}`,
  ])('refuses %j', (text) => {
    expect(parseUuid(text)).toBeUndefined();
  });
});

describe('structured UUIDs (signed big-endian int64 halves)', () => {
  it('round-trips every UUID', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        const { mostSignificantBits, leastSignificantBits } = uuidToStructured(uuid);
        expect(uuidFromStructured(mostSignificantBits, leastSignificantBits)).toBe(uuid);
      }),
    );
  });

  it('matches the client decoding of a known value', () => {
    const uuid = randomUUID();
    const { mostSignificantBits, leastSignificantBits } = uuidToStructured(uuid);
    const buffer = Buffer.alloc(16);
    buffer.writeBigUInt64BE(BigInt.asUintN(64, BigInt(mostSignificantBits)), 0);
    buffer.writeBigUInt64BE(BigInt.asUintN(64, BigInt(leastSignificantBits)), 8);
    expect(buffer.toString('hex')).toBe(uuid.replace(/-/g, ''));
  });

  it('refuses halves that are not int64s', () => {
    expect(uuidFromStructured('9223372036854775808', '0')).toBeUndefined();
    expect(uuidFromStructured('abc', '0')).toBeUndefined();
  });
});
