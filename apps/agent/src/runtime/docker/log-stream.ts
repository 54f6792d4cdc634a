import { LineSplitter } from '../feed/line-splitter';

/**
 * The Docker logs API without a TTY multiplexes stdout and stderr in frames: an 8-byte header (stream
 * 1|2, three zero bytes, big-endian length) and the payload. Reading the frames ourselves, rather than
 * demuxing into two streams, keeps the two streams' lines in the order the engine wrote them.
 */
export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Array<{ stream: 'stdout' | 'stderr'; payload: Buffer }> {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Array<{ stream: 'stdout' | 'stderr'; payload: Buffer }> = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const type = this.pending[0];
      const payload = this.pending.subarray(8, 8 + size);
      if (type === 1 || type === 2) frames.push({ stream: type === 1 ? 'stdout' : 'stderr', payload });
      this.pending = this.pending.subarray(8 + size);
    }
    return frames;
  }
}

/** A line from the logs API with `timestamps=1`: `<RFC 3339 time> <line>`. */
export function splitTimestamp(line: string): { at: string; nanos: bigint; data: string } | null {
  const space = line.indexOf(' ');
  const stamp = space > 0 ? line.slice(0, space) : line;
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(stamp);
  if (!match) return null;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return null;
  const fraction = (match[2] ?? '').padEnd(9, '0');
  const nanos = BigInt(seconds) * 1_000_000n + BigInt(fraction);
  return {
    at: new Date(seconds + Number(fraction.slice(0, 3))).toISOString(),
    nanos,
    data: space > 0 ? line.slice(space + 1) : '',
  };
}

/**
 * Where an instance's log reading got to. A container that restarts is followed anew from its start
 * second (the API's `since` has second resolution, and some engines' timestamps too), which repeats the
 * lines of the previous run written in that second: the cursor skips exactly those, by counting the
 * lines it already delivered at the last timestamp.
 */
export class LogCursor {
  private last = -1n;
  private countAtLast = 0;
  private replaying = false;
  private skipped = 0;

  /** Call before reading the logs again from an earlier point. */
  rewind(): void {
    this.replaying = true;
    this.skipped = 0;
  }

  /** Whether the line at `nanos` is new; lines must be offered in the order the API gives them. */
  accept(nanos: bigint): boolean {
    if (this.replaying) {
      if (nanos < this.last) return false;
      if (nanos === this.last && this.skipped < this.countAtLast) {
        this.skipped++;
        return false;
      }
      this.replaying = false;
    }
    if (nanos === this.last) this.countAtLast++;
    else {
      this.last = nanos;
      this.countAtLast = 1;
    }
    return true;
  }
}

/** Frames → lines per stream → timestamped lines, skipping what the cursor has seen. */
export class ContainerLogReader {
  private readonly demuxer = new FrameDemuxer();
  private readonly splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };

  constructor(
    private readonly cursor: LogCursor,
    private readonly onLine: (stream: 'stdout' | 'stderr', data: string, at: string) => void,
  ) {}

  push(chunk: Buffer): void {
    for (const frame of this.demuxer.push(chunk)) {
      for (const line of this.splitters[frame.stream].push(frame.payload)) this.deliver(frame.stream, line);
    }
  }

  end(): void {
    for (const stream of ['stdout', 'stderr'] as const)
      for (const line of this.splitters[stream].flush()) this.deliver(stream, line);
  }

  private deliver(stream: 'stdout' | 'stderr', line: string): void {
    const parsed = splitTimestamp(line);
    if (!parsed) {
      this.onLine(stream, line, new Date().toISOString());
      return;
    }
    if (this.cursor.accept(parsed.nanos)) this.onLine(stream, parsed.data, parsed.at);
  }
}

/** CPU use in percent of one CPU from cumulative nanoseconds, as `proc.ts#cpuPercent` does from ticks. */
export function containerCpuPercent(
  usageNanos: number,
  atMs: number,
  previous: { usageNanos: number; atMs: number } | null,
  startedAtMs: number,
): number {
  const [spent, elapsed] = previous
    ? [usageNanos - previous.usageNanos, atMs - previous.atMs]
    : [usageNanos, atMs - startedAtMs];
  if (elapsed <= 0 || spent <= 0) return 0;
  return Math.round((spent / 1e6 / elapsed) * 100 * 100) / 100;
}
