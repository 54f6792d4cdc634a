import { EPOCH_INFORMATION_STREAM, isSystemStream } from './stream-names';

/** The part of an event a server-side filter looks at. */
export interface FilterableEvent {
  readonly stream: string;
  readonly type: string;
}

export type EventFilter = (event: FilterableEvent) => boolean;

export interface FilterSpec {
  readonly on: 'stream_name' | 'event_type';
  /** A non-empty regex wins over prefixes, as in `Streams.ConvertToEventFilter`. */
  readonly regex: string;
  readonly prefixes: readonly string[];
}

export class InvalidFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFilterError';
  }
}

/**
 * `EventFilter.DefaultAllFilter`, applied before any user filter on `$all` (spec §3.5): non-system
 * streams pass, `$epoch-information` and the `$all` persistent-subscription checkpoint/parked
 * streams do not, every other system stream still does.
 */
export function passesDefaultAllFilter(event: FilterableEvent): boolean {
  const stream = event.stream;
  if (!isSystemStream(stream)) return true;
  if (stream === EPOCH_INFORMATION_STREAM) return false;
  if (
    stream.startsWith('$persistentsubscription-$all::') &&
    (stream.endsWith('-checkpoint') || stream.endsWith('-parked'))
  ) {
    return false;
  }
  return true;
}

/**
 * A `$all` filter: DefaultAllFilter, then the user's expression. A regex is an unanchored search
 * (.NET `Regex.Match`); prefixes use `StartsWith` and any one of them is enough, so an empty prefix
 * list lets nothing through.
 */
export function createAllFilter(spec: FilterSpec): EventFilter {
  const field = spec.on === 'stream_name' ? (e: FilterableEvent) => e.stream : (e: FilterableEvent) => e.type;
  if (spec.regex !== '') {
    let pattern: RegExp;
    try {
      pattern = new RegExp(spec.regex);
    } catch (error) {
      throw new InvalidFilterError(`invalid filter regex: ${(error as Error).message}`);
    }
    return (event) => passesDefaultAllFilter(event) && pattern.test(field(event));
  }
  const prefixes = [...spec.prefixes];
  return (event) =>
    passesDefaultAllFilter(event) && prefixes.some((prefix) => field(event).startsWith(prefix));
}
