import fc from 'fast-check';
import { livenessVerdict } from './liveness';

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
});
