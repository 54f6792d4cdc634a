import { createdTicks } from '../domain/clock';
import type { LogPosition } from '../domain/positions';
import { revisionToWire } from '../domain/revisions';
import { SystemEventTypes } from '../domain/stream-names';
import { uuidToStructured } from '../domain/uuid';
import type { LogReader } from '../storage/log-reader';
import type { StoredEvent } from '../storage/records';
import { sharedPb, streamsPb } from './protocol';
import type { EventRendering, UuidForm } from './read-request';
import { streamIdentifier } from './wire';

const ReadResp = streamsPb.ReadResp;

/**
 * An event as `Streams.Read` sends it (`ConvertToReadEvent`): ids in the asked-for form, the
 * content type re-derived from the is-JSON flag (spec §3.1), `created` in .NET ticks, and the
 * record's own position as commit and prepare (spec §3.2). With `resolveLinks`, a `$>` link
 * carries the event it points to; a link that cannot be resolved comes alone.
 */
export function eventResponse(
  event: StoredEvent,
  rendering: EventRendering,
  reader: LogReader,
): streamsPb.ReadResp {
  const readEvent = new ReadResp.ReadEvent();
  const resolution =
    rendering.resolveLinks && event.type === SystemEventTypes.LinkTo ? resolveLink(event, reader) : undefined;
  if (resolution === undefined || resolution === 'not_a_link') {
    readEvent.setEvent(recordedEvent(event, rendering.uuid));
  } else {
    if (resolution !== 'unresolved') readEvent.setEvent(recordedEvent(resolution, rendering.uuid));
    readEvent.setLink(recordedEvent(event, rendering.uuid));
  }
  readEvent.setCommitPosition(String(event.position));
  return new ReadResp().setEvent(readEvent);
}

export function confirmationResponse(subscriptionId: string): streamsPb.ReadResp {
  return new ReadResp().setConfirmation(
    new ReadResp.SubscriptionConfirmation().setSubscriptionId(subscriptionId),
  );
}

export function caughtUpResponse(): streamsPb.ReadResp {
  return new ReadResp().setCaughtUp(new ReadResp.CaughtUp());
}

export function checkpointResponse(position: LogPosition): streamsPb.ReadResp {
  return new ReadResp().setCheckpoint(
    new ReadResp.Checkpoint().setCommitPosition(String(position)).setPreparePosition(String(position)),
  );
}

export function streamNotFoundResponse(stream: string): streamsPb.ReadResp {
  return new ReadResp().setStreamNotFound(
    new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(stream)),
  );
}

function recordedEvent(event: StoredEvent, uuid: UuidForm): streamsPb.ReadResp.ReadEvent.RecordedEvent {
  const position = String(event.position);
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(event.id, uuid))
    .setStreamIdentifier(streamIdentifier(event.stream))
    .setStreamRevision(revisionToWire(event.revision))
    .setPreparePosition(position)
    .setCommitPosition(position)
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('created', createdTicks(event.created))
    .set('content-type', event.isJson ? 'application/json' : 'application/octet-stream');
  return recorded;
}

function uuidMessage(id: string, form: UuidForm): sharedPb.UUID {
  if (form === 'string') return new sharedPb.UUID().setString(id);
  const { mostSignificantBits, leastSignificantBits } = uuidToStructured(id);
  return new sharedPb.UUID().setStructured(
    new sharedPb.UUID.Structured()
      .setMostSignificantBits(mostSignificantBits)
      .setLeastSignificantBits(leastSignificantBits),
  );
}

/**
 * `StorageReaderWorker.ResolveLinkToEvent`: the payload is `<revision>@<stream>`; the target is
 * read with its stream's metadata applied, so a deleted or truncated target leaves the link
 * unresolved. A payload that is not a link at all is passed through as a plain event.
 */
function resolveLink(link: StoredEvent, reader: LogReader): StoredEvent | 'unresolved' | 'not_a_link' {
  const payload = Buffer.from(link.data).toString('utf8');
  const at = payload.indexOf('@');
  const revisionText = (at < 0 ? payload : payload.slice(0, at)).trim();
  if (at < 0 || !/^[+-]?\d+$/.test(revisionText)) return 'not_a_link';
  const revision = Number(revisionText);
  const stream = payload.slice(at + 1);
  const view = reader.view(stream);
  if (view.status !== 'found' || revision < view.firstVisible || revision > view.lastRevision)
    return 'unresolved';
  const target = reader.eventAt(stream, revision);
  return target && target.created >= view.oldestCreated ? target : 'unresolved';
}
