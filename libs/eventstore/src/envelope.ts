import { jsonEvent, ResolvedEvent, JSONType } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import type { Actor, DomainEvent } from '@libs/domain';
import type { AllPosition } from './positions';

/** Bumped per event type when its data changes shape; readers upcast older versions. */
export const CURRENT_SCHEMA_VERSION = 1;

/** Where a change came from: the audit trail every event carries (DESIGN.md §3, STYLE.md). */
export interface EventMetadata {
  actor: Actor;
  tokenId?: string;
  requestId?: string;
  correlationId?: string;
  causationId?: string;
  sourceIp?: string;
  userAgent?: string;
  /** ISO-8601; the time the decision was made, taken from the command's context, not the server. */
  occurredAt: string;
  schemaVersion: number;
}

/** A domain event as read back from the store, with everything needed to project or audit it. */
export interface RecordedEnvelope<E extends DomainEvent = DomainEvent> {
  id: string;
  streamName: string;
  revision: bigint;
  position: AllPosition;
  /** The server's own timestamp. */
  created: Date;
  event: E;
  metadata: EventMetadata;
}

const utf8 = new TextEncoder();

export function toEventData(event: DomainEvent, metadata: EventMetadata, id: string = randomUUID()) {
  return jsonEvent({
    id,
    type: event.type,
    data: event.data as JSONType,
    // The same JSON bytes on the wire, but handed over as bytes: `@eventstore/db-client` 6.2.1 sends an
    // object's JSON as a base64 string that google-protobuf then decodes back in JavaScript (~40 µs per KiB,
    // on every append). It passes a plain `Uint8Array` through, and readers parse it as JSON either way.
    metadata: utf8.encode(JSON.stringify(metadata)),
  });
}

/**
 * Converts what the client yields into an envelope, or `undefined` for records that are not domain
 * events of ours (system events, links, non-JSON payloads).
 */
export function fromResolvedEvent(resolved: ResolvedEvent): RecordedEnvelope | undefined {
  const recorded = resolved.event;
  if (!recorded || !recorded.isJson || recorded.type.startsWith('$')) return undefined;
  const position = recorded.position ?? resolved.commitPosition;
  if (position === undefined) return undefined;
  const normalised: AllPosition =
    typeof position === 'bigint' ? { commit: position, prepare: position } : (position as AllPosition);
  const metadata = (recorded.metadata ?? {}) as Partial<EventMetadata>;
  return {
    id: recorded.id,
    streamName: recorded.streamId,
    revision: recorded.revision,
    position: normalised,
    created: recorded.created,
    event: { type: recorded.type, data: recorded.data as object },
    metadata: {
      actor: metadata.actor ?? { kind: 'system', component: 'unknown' },
      occurredAt: metadata.occurredAt ?? recorded.created.toISOString(),
      schemaVersion: metadata.schemaVersion ?? 1,
      ...metadata,
    },
  };
}
