import fc from 'fast-check';
import { isInitialMember, lowestFreeNodeNumber, overlayIp } from './node-addressing';

describe('node addressing (kontena-behaviour.md §7)', () => {
  it('ORs the node number into the grid subnet', () => {
    expect(overlayIp('10.81.0.0/16', 1)).toBe('10.81.0.1');
    expect(overlayIp('10.81.0.0/16', 254)).toBe('10.81.0.254');
    expect(overlayIp('192.168.128.0/17', 7)).toBe('192.168.128.7');
  });

  it('gives no address for a subnet that is not IPv4', () => {
    expect(overlayIp('fd00::/64', 1)).toBeNull();
    expect(overlayIp('10.81.0/16', 1)).toBeNull();
  });

  it('makes the first initial_size nodes the initial members', () => {
    expect([1, 2, 3, 4].map((n) => isInitialMember(n, 3))).toEqual([true, true, true, false]);
  });

  it('picks the lowest free number in 1..254, and none when all are taken', () => {
    expect(lowestFreeNodeNumber([])).toBe(1);
    expect(lowestFreeNodeNumber([1, 2, 4])).toBe(3);
    expect(lowestFreeNodeNumber(Array.from({ length: 254 }, (_, i) => i + 1))).toBeUndefined();
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 254 }), { maxLength: 253 }), (taken) => {
        const n = lowestFreeNodeNumber(taken)!;
        expect(taken).not.toContain(n);
        for (let lower = 1; lower < n; lower++) expect(taken).toContain(lower);
      }),
    );
  });
});
