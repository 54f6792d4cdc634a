import fc from 'fast-check';
import { isStaleEphemeralNode, livenessVerdict, NodeRetirement } from './liveness';

const T = 1_800_000_000_000;

describe('node liveness', () => {
  it('disconnects a connected node unseen for longer than the limit, and only then', () => {
    expect(
      livenessVerdict(
        { id: 'g/n', connected: true, lastSeenMs: T - 61_000, disconnectedMs: null },
        T,
        60_000,
      ),
    ).toBe('disconnect');
    expect(
      livenessVerdict(
        { id: 'g/n', connected: true, lastSeenMs: T - 59_000, disconnectedMs: null },
        T,
        60_000,
      ),
    ).toBeNull();
    expect(
      livenessVerdict({ id: 'g/n', connected: true, lastSeenMs: null, disconnectedMs: null }, T, 60_000),
    ).toBe('disconnect');
  });

  it('reconnects a disconnected node heard from since it was disconnected', () => {
    expect(
      livenessVerdict(
        { id: 'g/n', connected: false, lastSeenMs: T - 1_000, disconnectedMs: T - 5_000 },
        T,
        60_000,
      ),
    ).toBe('reconnect');
    // The heartbeat it was disconnected for does not bring it back.
    expect(
      livenessVerdict(
        { id: 'g/n', connected: false, lastSeenMs: T - 61_000, disconnectedMs: T - 1_000 },
        T,
        60_000,
      ),
    ).toBeNull();
    expect(
      livenessVerdict(
        { id: 'g/n', connected: false, lastSeenMs: T - 10_000, disconnectedMs: T - 1_000 },
        T,
        60_000,
      ),
    ).toBeNull();
  });

  it('never flaps: applying a verdict leaves nothing more to do at the same moment', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.option(fc.nat(200_000), { nil: null }),
        fc.option(fc.nat(200_000), { nil: null }),
        (connected, seenAgo, disconnectedAgo) => {
          const node = {
            id: 'g/n',
            connected,
            lastSeenMs: seenAgo === null ? null : T - seenAgo,
            disconnectedMs: disconnectedAgo === null ? null : T - disconnectedAgo,
          };
          const verdict = livenessVerdict(node, T, 60_000);
          if (verdict === null) return;
          const after =
            verdict === 'disconnect'
              ? { ...node, connected: false, disconnectedMs: T }
              : { ...node, connected: true, lastSeenMs: Math.max(node.lastSeenMs ?? 0, T) };
          expect(livenessVerdict(after, T, 60_000)).toBeNull();
        },
      ),
    );
  });

  describe('stale ephemeral nodes (Kontena: unseen for 6 h, removed by the hourly cleanup)', () => {
    const SIX_HOURS = 6 * 3_600_000;
    // Given a node that is stale on every count: disconnected, not an initial member, ephemeral, stateless,
    // and last seen longer ago than the limit.
    const stale: NodeRetirement = {
      connected: false,
      nodeNumber: 4,
      initialSize: 3,
      labels: ['az=a', 'ephemeral=yes'],
      lastSeenMs: T - SIX_HOURS - 1,
      hostsStatefulInstance: false,
    };

    it('removes it, and keeps it when any single count does not hold', () => {
      expect(isStaleEphemeralNode(stale, T, SIX_HOURS)).toBe(true);
      expect(isStaleEphemeralNode({ ...stale, labels: ['ephemeral'] }, T, SIX_HOURS)).toBe(true);
      // When one count fails, then the node stays.
      const keeps: Partial<NodeRetirement>[] = [
        { connected: true },
        { nodeNumber: 3 },
        { labels: ['az=a'] },
        { labels: ['not-ephemeral', 'ephemeralish=1'] },
        { lastSeenMs: T - SIX_HOURS },
        { lastSeenMs: null },
        { hostsStatefulInstance: true },
      ];
      for (const change of keeps)
        expect(isStaleEphemeralNode({ ...stale, ...change }, T, SIX_HOURS)).toBe(false);
      // A limit of 0 switches the removal off.
      expect(isStaleEphemeralNode({ ...stale, lastSeenMs: 0 }, T, 0)).toBe(false);
    });

    const nodes = fc.record({
      connected: fc.boolean(),
      nodeNumber: fc.integer({ min: 1, max: 254 }),
      initialSize: fc.integer({ min: 1, max: 7 }),
      labels: fc.array(fc.constantFrom('ephemeral', 'ephemeral=1', 'ephemeralish', 'az=a', 'ssd'), {
        maxLength: 3,
      }),
      lastSeenMs: fc.option(fc.integer({ min: T - 3 * SIX_HOURS, max: T }), { nil: null }),
      hostsStatefulInstance: fc.boolean(),
    });

    it('never removes a connected, initial, stateful or unlabelled node, nor one seen within the limit', () => {
      fc.assert(
        fc.property(nodes, fc.integer({ min: 0, max: 2 * SIX_HOURS }), (node, removeAfterMs) => {
          if (!isStaleEphemeralNode(node, T, removeAfterMs)) return;
          expect(node.connected).toBe(false);
          expect(node.nodeNumber).toBeGreaterThan(node.initialSize);
          expect(node.hostsStatefulInstance).toBe(false);
          expect(node.labels.some((l) => l === 'ephemeral' || l.startsWith('ephemeral='))).toBe(true);
          expect(T - node.lastSeenMs!).toBeGreaterThan(removeAfterMs);
        }),
      );
    });

    it('once stale, stays stale: later, or with a shorter limit, the node is still removed', () => {
      fc.assert(
        fc.property(
          nodes,
          fc.integer({ min: 1, max: 2 * SIX_HOURS }),
          fc.nat(SIX_HOURS),
          fc.nat(SIX_HOURS),
          (node, removeAfterMs, later, shorter) => {
            fc.pre(isStaleEphemeralNode(node, T, removeAfterMs));
            expect(isStaleEphemeralNode(node, T + later, removeAfterMs)).toBe(true);
            expect(isStaleEphemeralNode(node, T, Math.max(1, removeAfterMs - shorter))).toBe(true);
          },
        ),
      );
    });
  });
});
