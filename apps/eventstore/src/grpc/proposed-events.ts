import { EMPTY_UUID, parseUuid, uuidFromStructured } from '../domain/uuid';
import type { ProposedEvent } from '../storage/records';
import type { sharedPb, streamsPb } from './protocol';
import { rpcErrors } from './rpc-errors';

type ProposedMessage = streamsPb.AppendReq.ProposedMessage | streamsPb.BatchAppendReq.ProposedMessage;

/** A UUID in either wire form (spec §5 gotcha 7), or undefined when absent or malformed. */
export function parseWireUuid(uuid: sharedPb.UUID | undefined): string | undefined {
  if (!uuid) return undefined;
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    return uuidFromStructured(structured.getMostSignificantBits(), structured.getLeastSignificantBits());
  }
  return uuid.hasString() ? parseUuid(uuid.getString()) : undefined;
}

/**
 * Validates one proposed event as `Streams.Append` does: `type` and `content-type` are required
 * metadata, the content type only survives as the is-JSON flag (spec §3.1), and the id must be a
 * real, non-empty GUID.
 */
export function toProposedEvent(message: ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  if (type === undefined) throw rpcErrors.requiredMetadataPropertyMissing('type');
  const contentType = metadata.get('content-type');
  if (contentType === undefined) throw rpcErrors.requiredMetadataPropertyMissing('content-type');
  if (type === '') throw rpcErrors.invalidArgument('Empty eventType provided.');
  const id = parseWireUuid(message.getId());
  if (id === undefined) throw rpcErrors.invalidArgument('Event id is not a valid UUID.');
  if (id === EMPTY_UUID) throw rpcErrors.invalidArgument('Empty eventId provided.');
  return {
    id,
    type,
    isJson: contentType === 'application/json',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

/** How much an event counts against the append size limit (`Event.SizeOnDisk`: UTF-16 type name). */
export function appendSize(event: ProposedEvent): number {
  return event.data.length + event.metadata.length + event.type.length * 2;
}
