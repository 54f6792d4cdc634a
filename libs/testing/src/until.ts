export interface UntilOptions {
  /** How often to probe. */
  intervalMs?: number;
  /**
   * Probe again when the probe throws, and report its last error at the deadline. For probes over HTTP to
   * processes a test restarts on purpose; elsewhere a throwing probe is a failure at once.
   */
  retryErrors?: boolean;
}

/**
 * Polls `probe` until it yields a value (anything but undefined or false), or fails naming what was awaited:
 * a condition never met is a failure with a message, not a hang.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
  { intervalMs = 100, retryErrors = false }: UntilOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (!retryErrors) throw error;
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting until ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
