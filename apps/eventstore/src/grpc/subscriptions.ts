import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { LogPosition } from '../domain/positions';
import { DELETED_STREAM, NO_STREAM, Revision } from '../domain/revisions';
import { SystemEventTypes } from '../domain/stream-names';
import type { EventLog } from '../storage/event-log';
import type { StoredEvent } from '../storage/records';
import type { streamsPb } from './protocol';
import type { AllStart, EventRendering, StreamStart, SubscriptionFilter } from './read-request';
import { caughtUpResponse, checkpointResponse, confirmationResponse, eventResponse } from './read-responses';
import { PAGE_SIZE, sendPage } from './reads';
import type { ResponseStream } from './response-stream';
import { rpcErrors } from './rpc-errors';

type Out = ResponseStream<streamsPb.ReadResp>;

/*
 * Catch-up subscriptions (spec §3.6). A subscription is a cursor over the log: it reads pages from
 * just after its cursor until a page comes back short, sends `caught_up` the first time that
 * happens, then waits for the next commit and reads again. Live events are therefore read from the
 * log, never buffered, so the catch-up→live switch cannot skip or repeat an event, a slow client
 * only makes its own cursor lag, and many subscribers cost one indexed query each per wake-up.
 */

/**
 * `subscribeToStream`: exclusive of the starting revision, START is before the first event, END
 * waits for new events only. Catch-up reads apply the stream's metadata, live reads deliver every
 * new event, as the real server's live channel does. A tombstone seen live is sent and then ends
 * the subscription with StreamDeleted; a tombstoned stream fails at once.
 */
export async function subscribeToStream(
  out: Out,
  log: EventLog,
  request: { stream: string; from: StreamStart; rendering: EventRendering },
): Promise<void> {
  const { stream, from, rendering } = request;
  const { reader, commits } = log;
  const start = reader.lastRevision(stream);
  if (start === DELETED_STREAM) return out.fail(rpcErrors.streamDeleted(stream));
  let cursor: Revision = from.kind === 'start' ? NO_STREAM : from.kind === 'end' ? start : from.revision;
  out.send(confirmationResponse(randomUUID()));

  let live = false;
  while (out.isOpen) {
    const seen = commits.current;
    let page: StoredEvent[];
    if (live) {
      page = reader.readStreamForward(stream, cursor + 1, PAGE_SIZE);
    } else {
      // Whatever is at or below `floor` now is either in this page or hidden by metadata; live
      // delivery continues above it.
      const floor = reader.lastRevision(stream);
      const view = reader.view(stream);
      if (view.status === 'deleted') return out.fail(rpcErrors.streamDeleted(stream));
      page =
        view.status === 'found'
          ? reader.readStreamForward(
              stream,
              Math.max(cursor + 1, view.firstVisible),
              PAGE_SIZE,
              view.oldestCreated,
            )
          : [];
      if (page.length < PAGE_SIZE) cursor = Math.max(cursor, floor);
    }
    const tombstone = page.findIndex(
      (event) => event.revision === DELETED_STREAM && event.type === SystemEventTypes.StreamDeleted,
    );
    if (!(await sendPage(out, tombstone < 0 ? page : page.slice(0, tombstone + 1), rendering, reader)))
      return;
    if (tombstone >= 0) return out.fail(rpcErrors.streamDeleted(stream));
    if (page.length > 0) cursor = Math.max(cursor, page[page.length - 1].revision);
    if (page.length < PAGE_SIZE) {
      if (!live) {
        live = true;
        out.send(caughtUpResponse());
      }
      await commits.after(seen, stream, out.closed);
    }
  }
}

/**
 * `subscribeToAll`: exclusive of the starting position. With a filter (DefaultAllFilter first,
 * spec §3.5) a checkpoint goes out every `checkpointInterval` considered events, filtered or not,
 * and always one just before `caught_up`, at the last position considered; a checkpoint never
 * repeats an earlier one (`AllSubscriptionFiltered.MoveNextAsync`).
 */
export async function subscribeToAll(
  out: Out,
  log: EventLog,
  request: { from: AllStart; filter?: SubscriptionFilter; rendering: EventRendering },
): Promise<void> {
  const { from, filter, rendering } = request;
  const { reader, commits } = log;
  let cursor: LogPosition =
    from.kind === 'start' ? -1 : from.kind === 'end' ? reader.lastPosition() : from.position;
  out.send(confirmationResponse(randomUUID()));

  let considered = 0;
  let lastCheckpoint = -1;
  const checkpoint = async (position: LogPosition) => {
    if (position <= lastCheckpoint) return;
    lastCheckpoint = position;
    if (!out.send(checkpointResponse(position))) await out.drained();
  };

  let live = false;
  while (out.isOpen) {
    const seen = commits.current;
    const page = reader.readAllForward(cursor + 1, PAGE_SIZE);
    if (filter) {
      for (const event of page) {
        cursor = event.position;
        if (filter.matches(event) && !out.send(eventResponse(event, rendering, reader))) await out.drained();
        considered += 1;
        if (considered >= filter.checkpointInterval) {
          considered = 0;
          await checkpoint(cursor);
        }
        if (!out.isOpen) return;
      }
      await nextTurn();
    } else {
      if (!(await sendPage(out, page, rendering, reader))) return;
      if (page.length > 0) cursor = page[page.length - 1].position;
    }
    if (page.length < PAGE_SIZE) {
      if (!live) {
        live = true;
        if (filter) {
          await checkpoint(Math.max(cursor, 0));
          considered = 0;
        }
        out.send(caughtUpResponse());
      }
      await commits.after(seen, undefined, out.closed);
    }
  }
}
