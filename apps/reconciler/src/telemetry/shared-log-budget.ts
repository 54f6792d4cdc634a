export interface SharedLogBudgetOptions {
  /** Lines per second an instance may add to its grid's and stack's streams, sustained. */
  perSecond: number;
  /** Lines it may add at once after being quiet (a start-up, a stack trace). */
  burst: number;
  /** Instances tracked at most; beyond that the quiet ones are forgotten (they have a full budget anyway). */
  maxTracked?: number;
}

/**
 * Every line reaches its service's stream, but the grid and stack streams are shared by many instances:
 * a token bucket per instance keeps one chatty instance from trimming everybody else's history out of
 * them. At 20 lines/s, one instance alone needs 40 minutes to turn a grid stream of 50,000 lines over.
 * The budget is per worker process, so N reconcilers allow N times as much (docs/telemetry.md).
 */
export class SharedLogBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly maxTracked: number;

  constructor(private readonly options: SharedLogBudgetOptions) {
    this.maxTracked = options.maxTracked ?? 50_000;
  }

  /** Whether the next line of `instanceId`, arriving at `nowMs`, may go to the shared streams too. */
  take(instanceId: string, nowMs: number): boolean {
    const { perSecond, burst } = this.options;
    const bucket = this.buckets.get(instanceId);
    const tokens = bucket
      ? Math.min(burst, bucket.tokens + (Math.max(0, nowMs - bucket.at) / 1000) * perSecond)
      : burst;
    const allowed = tokens >= 1;
    if (!bucket && this.buckets.size >= this.maxTracked) this.forgetQuiet(nowMs);
    this.buckets.set(instanceId, { tokens: allowed ? tokens - 1 : tokens, at: nowMs });
    return allowed;
  }

  get tracked(): number {
    return this.buckets.size;
  }

  /** Drops the buckets that have refilled (forgetting them changes nothing), or the oldest half if none has. */
  private forgetQuiet(nowMs: number): void {
    const { perSecond, burst } = this.options;
    for (const [id, { tokens, at }] of this.buckets) {
      if (tokens + ((nowMs - at) / 1000) * perSecond >= burst) this.buckets.delete(id);
    }
    if (this.buckets.size < this.maxTracked) return;
    let excess = Math.ceil(this.buckets.size / 2);
    for (const id of this.buckets.keys()) {
      if (excess-- <= 0) break;
      this.buckets.delete(id);
    }
  }
}
