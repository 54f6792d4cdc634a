import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventFilter } from '../domain/event-filter';
import { START_POSITION } from '../domain/positions';
import type { LogReader } from '../storage/log-reader';
import type { StoredEvent } from '../storage/records';
import type { streamsPb } from './protocol';
import type { AllStart, EventRendering, StreamStart } from './read-request';
import { eventResponse, streamNotFoundResponse } from './read-responses';
import type { ResponseStream } from './response-stream';
import { rpcErrors } from './rpc-errors';

/** Rows per SQLite query: big enough to amortise the query, small enough to keep memory flat. */
export const PAGE_SIZE = 512;

type Out = ResponseStream<streamsPb.ReadResp>;

/**
 * Sends a page with backpressure, then gives the event loop a turn so one long read never starves
 * appends and other readers. Returns false once the call is gone.
 */
export async function sendPage(
  out: Out,
  events: readonly StoredEvent[],
  rendering: EventRendering,
  reader: LogReader,
): Promise<boolean> {
  for (const event of events) {
    if (!out.send(eventResponse(event, rendering, reader))) await out.drained();
    if (!out.isOpen) return false;
  }
  await nextTurn();
  return out.isOpen;
}

/**
 * Reads a stream with its metadata applied (`Enumerator.ReadStreamForwards/Backwards`, spec
 * §3.2–3.4): a tombstoned stream fails with StreamDeleted; a missing or soft-deleted one answers a
 * `stream_not_found` message and ends OK; forwards from r includes r, backwards from r includes r;
 * a range wholly below what metadata hides is simply empty.
 */
export async function readStream(
  out: Out,
  reader: LogReader,
  request: {
    stream: string;
    from: StreamStart;
    backwards: boolean;
    count: number;
    rendering: EventRendering;
  },
): Promise<void> {
  const { stream, from, backwards, rendering } = request;
  const view = reader.view(stream);
  if (view.status === 'deleted') return out.fail(rpcErrors.streamDeleted(stream));
  if (view.status === 'not_found') {
    out.send(streamNotFoundResponse(stream));
    return out.end();
  }
  let remaining = request.count;
  if (!backwards) {
    let next = Math.max(
      from.kind === 'start' ? 0 : from.kind === 'end' ? view.lastRevision + 1 : from.revision,
      view.firstVisible,
    );
    while (remaining > 0) {
      const page = reader.readStreamForward(stream, next, Math.min(PAGE_SIZE, remaining), view.oldestCreated);
      if (!(await sendPage(out, page, rendering, reader))) return;
      remaining -= page.length;
      if (page.length < PAGE_SIZE) break;
      next = page[page.length - 1].revision + 1;
    }
  } else {
    let next =
      from.kind === 'start'
        ? 0
        : from.kind === 'end'
          ? view.lastRevision
          : Math.min(from.revision, view.lastRevision);
    while (remaining > 0 && next >= view.firstVisible) {
      const page = reader.readStreamBackward(
        stream,
        next,
        view.firstVisible,
        Math.min(PAGE_SIZE, remaining),
        view.oldestCreated,
      );
      if (!(await sendPage(out, page, rendering, reader))) return;
      remaining -= page.length;
      if (page.length < PAGE_SIZE) break;
      next = page[page.length - 1].revision - 1;
    }
  }
  out.end();
}

/**
 * Reads `$all` (spec §3.2): forwards from P includes an event at P, backwards from P excludes it;
 * no stream metadata applies. An optional filter (which the 6.2.1 client never sends, but the
 * server supports) counts only matching events towards `count`.
 */
export async function readAll(
  out: Out,
  reader: LogReader,
  request: {
    from: AllStart;
    backwards: boolean;
    count: number;
    filter?: EventFilter;
    rendering: EventRendering;
  },
): Promise<void> {
  const { from, backwards, filter, rendering } = request;
  let remaining = request.count;
  // Forwards the cursor is inclusive, backwards exclusive; START and END sit at either end of the log.
  let cursor =
    from.kind === 'start' ? START_POSITION : from.kind === 'end' ? Number.MAX_SAFE_INTEGER : from.position;
  while (remaining > 0) {
    const limit = filter ? PAGE_SIZE : Math.min(PAGE_SIZE, remaining);
    const page = backwards ? reader.readAllBackward(cursor, limit) : reader.readAllForward(cursor, limit);
    if (page.length === 0) break;
    cursor = backwards ? page[page.length - 1].position : page[page.length - 1].position + 1;
    const selected = filter ? page.filter(filter).slice(0, remaining) : page;
    if (!(await sendPage(out, selected, rendering, reader))) return;
    remaining -= selected.length;
    if (page.length < limit) break;
  }
  out.end();
}
