import { Metadata, status, StatusObject } from '@grpc/grpc-js';
import { legacyExpectedVersion, ExpectedRevision } from '../domain/expected-revision';
import { NO_STREAM, Revision, revisionToWire } from '../domain/revisions';
import { Any, GoogleEmpty, sharedPb, statusPb } from './protocol';

/**
 * A failed call as the real server reports it: a gRPC status plus the `exception` trailers the
 * client maps to its error classes (spec §2.5, `RpcExceptions.cs`).
 */
export class RpcFailure extends Error {
  constructor(
    readonly code: status,
    readonly details: string,
    readonly trailers: Readonly<Record<string, string>> = {},
  ) {
    super(details);
    this.name = 'RpcFailure';
  }

  toStatus(): Partial<StatusObject> {
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(this.trailers)) metadata.set(key, asciiTrailer(value));
    return { code: this.code, details: this.details, metadata };
  }
}

/** Any failure as a status; anything unexpected becomes UNKNOWN, like an exception in a .NET handler. */
export function toRpcStatus(error: unknown): Partial<StatusObject> {
  if (error instanceof RpcFailure) return error.toStatus();
  return {
    code: status.UNKNOWN,
    details: `Exception was thrown by handler: ${error instanceof Error ? error.message : String(error)}`,
    metadata: new Metadata(),
  };
}

/**
 * HTTP/2 trailer values must be printable ASCII (grpc-js throws otherwise); stream names are not
 * always, so those are percent-encoded rather than taking the process down.
 */
function asciiTrailer(value: string): string {
  return /^[ -~]*$/.test(value) ? value : encodeURIComponent(value);
}

export const RequiredMetadata = ['type', 'content-type'] as const;

/** The real server's default `MaxAppendSize`, enforced in the application for parity (spec §5 gotcha 12). */
export const MAX_APPEND_SIZE = 1024 * 1024;

export const rpcErrors = {
  accessDenied: () =>
    new RpcFailure(status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' }),
  /** Bad credentials never reach a handler in the real server: its middleware answers UNAUTHENTICATED. */
  unauthenticated: () => new RpcFailure(status.UNAUTHENTICATED, 'Unauthenticated'),
  streamDeleted: (stream: string) =>
    new RpcFailure(status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
      exception: 'stream-deleted',
      'stream-name': stream,
    }),
  /** Delete/Tombstone's encoding of a wrong expected version: trailers carrying the internal longs. */
  wrongExpectedVersion: (operation: string, stream: string, expected: ExpectedRevision, actual: Revision) => {
    const expectedVersion = legacyExpectedVersion(expected);
    return new RpcFailure(
      status.FAILED_PRECONDITION,
      `${operation} failed due to WrongExpectedVersion. Stream: ${stream}, Expected version: ${expectedVersion}, Actual version: ${actual}`,
      {
        exception: 'wrong-expected-version',
        'stream-name': stream,
        'expected-version': expectedVersion,
        'actual-version': String(actual),
      },
    );
  },
  maximumAppendSizeExceeded: () =>
    new RpcFailure(status.INVALID_ARGUMENT, `Maximum Append Size of ${MAX_APPEND_SIZE} Exceeded.`, {
      exception: 'maximum-append-size-exceeded',
      'maximum-append-size': String(MAX_APPEND_SIZE),
    }),
  requiredMetadataPropertyMissing: (property: string) =>
    new RpcFailure(status.INVALID_ARGUMENT, `Required Metadata Property '${property}' is missing`, {
      exception: 'missing-required-metadata-property',
      'required-metadata-properties': RequiredMetadata.join(','),
    }),
  invalidArgument: (details: string) => new RpcFailure(status.INVALID_ARGUMENT, details),
  unavailable: (details: string) => new RpcFailure(status.UNAVAILABLE, details),
  unknown: (details: string) => new RpcFailure(status.UNKNOWN, details),
};

/** Type names the client matches `google.rpc.Status.details` on (spec §2.2). */
const DETAILS_TYPE = (name: string) => `event_store.client.${name}`;

function rpcStatus(
  code: status,
  message: string,
  details: { serializeBinary(): Uint8Array },
  typeName: string,
): statusPb.Status {
  const any = new Any();
  any.pack(details.serializeBinary(), typeName);
  return new statusPb.Status()
    .setCode(code as number as statusPb.Status.AsObject['code'])
    .setMessage(message)
    .setDetails(any);
}

/**
 * BatchAppend reports failures per append as a `google.rpc.Status` with a packed detail message,
 * with the codes of the real server's `Status.cs` (the client ignores the code).
 */
export const batchAppendStatus = {
  wrongExpectedVersion: (current: Revision, expected: ExpectedRevision) => {
    const details = new sharedPb.WrongExpectedVersion();
    if (current === NO_STREAM) details.setCurrentNoStream(new GoogleEmpty());
    else details.setCurrentStreamRevision(revisionToWire(current));
    switch (expected.kind) {
      case 'any':
        details.setExpectedAny(new GoogleEmpty());
        break;
      case 'no_stream':
        details.setExpectedNoStream(new GoogleEmpty());
        break;
      case 'stream_exists':
        details.setExpectedStreamExists(new GoogleEmpty());
        break;
      case 'exact':
        details.setExpectedStreamPosition(expected.revision.toString());
        break;
    }
    return rpcStatus(
      status.ALREADY_EXISTS,
      'WrongExpectedVersion',
      details,
      DETAILS_TYPE('WrongExpectedVersion'),
    );
  },
  streamDeleted: (stream: sharedPb.StreamIdentifier) =>
    rpcStatus(
      status.NOT_FOUND,
      'StreamDeleted',
      new sharedPb.StreamDeleted().setStreamIdentifier(stream),
      DETAILS_TYPE('StreamDeleted'),
    ),
  accessDenied: () =>
    rpcStatus(
      status.PERMISSION_DENIED,
      'AccessDenied',
      new sharedPb.AccessDenied(),
      DETAILS_TYPE('AccessDenied'),
    ),
  timeout: () =>
    rpcStatus(status.DEADLINE_EXCEEDED, 'Timeout', new sharedPb.Timeout(), DETAILS_TYPE('Timeout')),
  maximumAppendSizeExceeded: () =>
    rpcStatus(
      status.INVALID_ARGUMENT,
      'MaximumAppendSizeExceeded',
      new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(MAX_APPEND_SIZE),
      DETAILS_TYPE('MaximumAppendSizeExceeded'),
    ),
  badRequest: (message: string) =>
    rpcStatus(
      status.INVALID_ARGUMENT,
      'BadRequest',
      new sharedPb.BadRequest().setMessage(message),
      DETAILS_TYPE('BadRequest'),
    ),
  unknown: () => rpcStatus(status.UNKNOWN, 'Unknown', new sharedPb.Unknown(), DETAILS_TYPE('Unknown')),
};
