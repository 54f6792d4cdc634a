import {
  ANY,
  ExpectedRevision,
  exactRevision,
  NO_STREAM_EXPECTED,
  STREAM_EXISTS,
} from '../domain/expected-revision';
import { sharedPb, streamsPb } from './protocol';
import { rpcErrors } from './rpc-errors';

/** Stream names travel as UTF-8 bytes. */
export function streamNameOf(identifier: sharedPb.StreamIdentifier | undefined): string {
  if (!identifier) throw rpcErrors.invalidArgument('stream_identifier is a required argument');
  const name = Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
  if (name === '') throw rpcErrors.invalidArgument('stream_identifier must not be empty');
  return name;
}

export function streamIdentifier(name: string): sharedPb.StreamIdentifier {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

const LONG_MAX = 2n ** 63n - 1n;

function exact(revision: string): ExpectedRevision {
  const value = BigInt(revision);
  // The real server casts the u64 to a long unchecked; a revision no stream can have is refused instead.
  if (value > LONG_MAX) throw rpcErrors.invalidArgument(`expected revision ${revision} is out of range`);
  return exactRevision(value);
}

const missingExpectedRevision = () =>
  rpcErrors.invalidArgument('an expected stream revision is a required argument');

type ExpectedRevisionOptions =
  streamsPb.AppendReq.Options | streamsPb.DeleteReq.Options | streamsPb.TombstoneReq.Options;

/** The expected revision of Append, Delete and Tombstone options (same oneof in all three). */
export function expectedRevisionOf(options: ExpectedRevisionOptions): ExpectedRevision {
  const Case = streamsPb.AppendReq.Options.ExpectedStreamRevisionCase;
  switch (options.getExpectedStreamRevisionCase() as number) {
    case Case.REVISION:
      return exact(options.getRevision());
    case Case.NO_STREAM:
      return NO_STREAM_EXPECTED;
    case Case.ANY:
      return ANY;
    case Case.STREAM_EXISTS:
      return STREAM_EXISTS;
    default:
      throw missingExpectedRevision();
  }
}

export function batchExpectedRevisionOf(options: streamsPb.BatchAppendReq.Options): ExpectedRevision {
  const Case = streamsPb.BatchAppendReq.Options.ExpectedStreamPositionCase;
  switch (options.getExpectedStreamPositionCase()) {
    case Case.STREAM_POSITION:
      return exact(options.getStreamPosition());
    case Case.NO_STREAM:
      return NO_STREAM_EXPECTED;
    case Case.ANY:
      return ANY;
    case Case.STREAM_EXISTS:
      return STREAM_EXISTS;
    default:
      throw missingExpectedRevision();
  }
}
