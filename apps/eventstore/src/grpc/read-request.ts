import { createAllFilter, EventFilter, InvalidFilterError } from '../domain/event-filter';
import { LogPosition, parseWirePosition } from '../domain/positions';
import { parseWireRevision, Revision } from '../domain/revisions';
import { streamsPb } from './protocol';
import { rpcErrors } from './rpc-errors';
import { streamNameOf } from './wire';

export type UuidForm = 'string' | 'structured';

export type StreamStart =
  | { readonly kind: 'start' }
  | { readonly kind: 'end' }
  | { readonly kind: 'revision'; readonly revision: Revision };
export type AllStart =
  | { readonly kind: 'start' }
  | { readonly kind: 'end' }
  | { readonly kind: 'position'; readonly position: LogPosition };

/** How a read renders events. */
export interface EventRendering {
  readonly uuid: UuidForm;
  readonly resolveLinks: boolean;
}

export interface SubscriptionFilter {
  readonly matches: EventFilter;
  /** `checkpointIntervalMultiplier × maxSearchWindow` considered events (spec §3.5). */
  readonly checkpointInterval: number;
}

/** The one `Streams.Read` RPC carries four different operations (spec §2.3). */
export type ReadRequest =
  | {
      readonly kind: 'read_stream';
      readonly stream: string;
      readonly from: StreamStart;
      readonly backwards: boolean;
      readonly count: number;
      readonly rendering: EventRendering;
    }
  | {
      readonly kind: 'read_all';
      readonly from: AllStart;
      readonly backwards: boolean;
      readonly count: number;
      readonly filter?: EventFilter;
      readonly rendering: EventRendering;
    }
  | {
      readonly kind: 'subscribe_stream';
      readonly stream: string;
      readonly from: StreamStart;
      readonly rendering: EventRendering;
    }
  | {
      readonly kind: 'subscribe_all';
      readonly from: AllStart;
      readonly filter?: SubscriptionFilter;
      readonly rendering: EventRendering;
    };

/** `maxSearchWindow` when the client sends `count` instead of `max` (`Enumerator.ReadBatchSize`). */
const DEFAULT_SEARCH_WINDOW = 32;

const Options = streamsPb.ReadReq.Options;

/**
 * Validates a `ReadReq` the way `Streams.Read`/`CreateEnumerator` do: every oneof must be set,
 * only the combinations the real server has an enumerator for are accepted (no backwards or
 * stream-filtered subscriptions), and anything else is INVALID_ARGUMENT.
 */
export function parseReadRequest(request: streamsPb.ReadReq): ReadRequest {
  const options = request.getOptions();
  if (!options) throw rpcErrors.invalidArgument('options is a required argument');
  const uuidOption = options.getUuidOption();
  if (!uuidOption) throw rpcErrors.invalidArgument(' `uuidOption` is a required argument');
  // The real server answers structured ids unless the string form is asked for.
  const rendering: EventRendering = {
    uuid: uuidOption.getContentCase() === Options.UUIDOption.ContentCase.STRING ? 'string' : 'structured',
    resolveLinks: options.getResolveLinks(),
  };
  const backwards = options.getReadDirection() === Options.ReadDirection.BACKWARDS;
  const filtered = options.getFilterOptionCase() === Options.FilterOptionCase.FILTER;
  const subscription = options.getCountOptionCase() === Options.CountOptionCase.SUBSCRIPTION;
  if (options.getFilterOptionCase() === Options.FilterOptionCase.FILTER_OPTION_NOT_SET)
    throw invalidCombination('filter_option');
  if (options.getCountOptionCase() === Options.CountOptionCase.COUNT_OPTION_NOT_SET)
    throw invalidCombination('count_option');
  if (subscription && backwards) throw invalidCombination('a backwards subscription');

  switch (options.getStreamOptionCase()) {
    case Options.StreamOptionCase.STREAM: {
      if (filtered) throw invalidCombination('a filtered stream read');
      const streamOptions = options.getStream()!;
      const stream = streamNameOf(streamOptions.getStreamIdentifier());
      const from = streamStart(streamOptions);
      return subscription
        ? { kind: 'subscribe_stream', stream, from, rendering }
        : { kind: 'read_stream', stream, from, backwards, count: countOf(options), rendering };
    }
    case Options.StreamOptionCase.ALL: {
      const from = allStart(options.getAll()!);
      const filterOptions = filtered ? options.getFilter()! : undefined;
      if (subscription) {
        return {
          kind: 'subscribe_all',
          from,
          rendering,
          ...(filterOptions && { filter: subscriptionFilter(filterOptions) }),
        };
      }
      return {
        kind: 'read_all',
        from,
        backwards,
        count: countOf(options),
        rendering,
        ...(filterOptions && { filter: eventFilter(filterOptions) }),
      };
    }
    default:
      throw rpcErrors.invalidArgument('stream_option must be a stream or $all');
  }
}

function invalidCombination(what: string) {
  return rpcErrors.invalidArgument(`The combination of ${what} is invalid.`);
}

/** A huge count is just "everything". */
function countOf(options: streamsPb.ReadReq.Options): number {
  const count = BigInt(options.getCount());
  return count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count);
}

function streamStart(options: streamsPb.ReadReq.Options.StreamOptions): StreamStart {
  switch (options.getRevisionOptionCase()) {
    case Options.StreamOptions.RevisionOptionCase.START:
      return { kind: 'start' };
    case Options.StreamOptions.RevisionOptionCase.END:
      return { kind: 'end' };
    case Options.StreamOptions.RevisionOptionCase.REVISION:
      return { kind: 'revision', revision: parseWireRevision(options.getRevision()) };
    default:
      throw rpcErrors.invalidArgument('a stream read needs a start, an end or a revision');
  }
}

function allStart(options: streamsPb.ReadReq.Options.AllOptions): AllStart {
  switch (options.getAllOptionCase()) {
    case Options.AllOptions.AllOptionCase.START:
      return { kind: 'start' };
    case Options.AllOptions.AllOptionCase.END:
      return { kind: 'end' };
    case Options.AllOptions.AllOptionCase.POSITION:
      // commit == prepare for every record (spec §3.2), so the commit position alone places the cursor.
      return { kind: 'position', position: parseWirePosition(options.getPosition()!.getCommitPosition()) };
    default:
      throw rpcErrors.invalidArgument('an $all read needs a start, an end or a position');
  }
}

function eventFilter(options: streamsPb.ReadReq.Options.FilterOptions): EventFilter {
  const FilterCase = Options.FilterOptions.FilterCase;
  const expression =
    options.getFilterCase() === FilterCase.STREAM_IDENTIFIER
      ? options.getStreamIdentifier()
      : options.getEventType();
  if (options.getFilterCase() === FilterCase.FILTER_NOT_SET || !expression)
    throw rpcErrors.invalidArgument('a filter needs a stream name or an event type expression');
  try {
    return createAllFilter({
      on: options.getFilterCase() === FilterCase.STREAM_IDENTIFIER ? 'stream_name' : 'event_type',
      regex: expression.getRegex(),
      prefixes: expression.getPrefixList(),
    });
  } catch (error) {
    if (error instanceof InvalidFilterError) throw rpcErrors.invalidArgument(error.message);
    throw error;
  }
}

function subscriptionFilter(options: streamsPb.ReadReq.Options.FilterOptions): SubscriptionFilter {
  const matches = eventFilter(options);
  const WindowCase = Options.FilterOptions.WindowCase;
  let window: number;
  switch (options.getWindowCase()) {
    case WindowCase.MAX:
      window = options.getMax();
      break;
    case WindowCase.COUNT:
      window = DEFAULT_SEARCH_WINDOW;
      break;
    default:
      throw rpcErrors.invalidArgument('a filter needs a search window (max or count)');
  }
  const multiplier = options.getCheckpointintervalmultiplier();
  if (window <= 0) throw rpcErrors.invalidArgument('maxSearchWindow must be greater than 0');
  if (multiplier <= 0) throw rpcErrors.invalidArgument('checkpointIntervalMultiplier must be greater than 0');
  return { matches, checkpointInterval: window * multiplier };
}
