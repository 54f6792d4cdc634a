/** Time as the log records it: microseconds since the Unix epoch. */
export type Clock = () => number;

export const systemClock: Clock = () => Math.floor((performance.timeOrigin + performance.now()) * 1000);

/**
 * `created` on the wire: .NET ticks (100 ns) since the Unix epoch as a decimal string (spec §5
 * gotcha 8). Microseconds times ten, done on the text so no precision is lost beyond 2^53.
 */
export function createdTicks(micros: number): string {
  return micros === 0 ? '0' : `${micros}0`;
}
