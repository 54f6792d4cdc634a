import type { handleClientStreamingCall } from '@grpc/grpc-js';
import type { ExpectedRevision } from '../domain/expected-revision';
import { NO_STREAM, revisionToWire } from '../domain/revisions';
import type { ProposedEvent, WriteResult } from '../storage/records';
import { assertStreamAccess, callerOf } from './auth';
import type { ServiceContext } from './context';
import { sharedPb, streamsPb } from './protocol';
import { appendSize, toProposedEvent } from './proposed-events';
import { MAX_APPEND_SIZE, rpcErrors, RpcFailure, toRpcStatus } from './rpc-errors';
import { expectedRevisionOf, streamNameOf } from './wire';

interface AppendInProgress {
  readonly stream: string;
  readonly expected: ExpectedRevision;
  readonly events: ProposedEvent[];
  size: number;
}

/**
 * `Streams.Append` (client streaming): options first, then one proposed message per event
 * (spec §2.2). A wrong expected version is a normal response body, not an error (gotcha 4).
 */
export function appendHandler(
  ctx: ServiceContext,
): handleClientStreamingCall<streamsPb.AppendReq, streamsPb.AppendResp> {
  return (call, callback) => {
    let append: AppendInProgress | undefined;
    let finished = false;
    const fail = (error: unknown) => {
      if (finished) return;
      finished = true;
      callback(toRpcStatus(error));
    };
    // The client went away: nothing will be answered, and nothing half-received is written.
    call.on('error', () => (finished = true));
    call.on('cancelled', () => (finished = true));

    let caller: ReturnType<typeof callerOf>;
    try {
      if (ctx.lifecycle.closing) throw rpcErrors.unavailable('Server is shutting down');
      caller = callerOf(ctx.access, call.metadata);
    } catch (error) {
      fail(error);
      return;
    }

    call.on('data', (request: streamsPb.AppendReq) => {
      if (finished) return;
      try {
        if (!append) {
          const options = request.getOptions();
          if (!options)
            throw rpcErrors.invalidArgument('the first message of an append must carry its options');
          const stream = streamNameOf(options.getStreamIdentifier());
          const expected = expectedRevisionOf(options);
          assertStreamAccess(ctx.access, caller, stream);
          append = { stream, expected, events: [], size: 0 };
          return;
        }
        const message = request.getProposedMessage();
        if (!message)
          throw rpcErrors.invalidArgument('after the options an append carries only proposed messages');
        const event = toProposedEvent(message);
        append.size += appendSize(event);
        if (append.size > MAX_APPEND_SIZE) throw rpcErrors.maximumAppendSizeExceeded();
        append.events.push(event);
      } catch (error) {
        fail(error);
      }
    });

    call.on('end', () => {
      if (finished) return;
      if (!append) {
        fail(rpcErrors.invalidArgument('an append must start with its options'));
        return;
      }
      const { stream, expected, events } = append;
      ctx.log.write({ kind: 'append', stream, expected, events }).then(
        (result) => {
          if (finished) return;
          finished = true;
          const response = toAppendResponse(result, stream, expected);
          if (response instanceof RpcFailure) callback(response.toStatus());
          else callback(null, response);
        },
        (error: unknown) => fail(error),
      );
    });
  };
}

function toAppendResponse(
  result: WriteResult,
  stream: string,
  expected: ExpectedRevision,
): streamsPb.AppendResp | RpcFailure {
  switch (result.kind) {
    case 'written': {
      const success = new streamsPb.AppendResp.Success();
      if (result.currentRevision === NO_STREAM) success.setNoStream(new sharedPb.Empty());
      else success.setCurrentRevision(revisionToWire(result.currentRevision));
      if (result.position < 0) success.setNoPosition(new sharedPb.Empty());
      else
        success.setPosition(
          new streamsPb.AppendResp.Position()
            .setCommitPosition(String(result.position))
            .setPreparePosition(String(result.position)),
        );
      return new streamsPb.AppendResp().setSuccess(success);
    }
    case 'wrong_expected_version':
      return new streamsPb.AppendResp().setWrongExpectedVersion(
        wrongExpectedVersion(result.currentRevision, expected),
      );
    case 'stream_deleted':
      return rpcErrors.streamDeleted(stream);
    case 'failed':
      return rpcErrors.unknown(result.message);
  }
}

/**
 * Both the current fields and the deprecated 20.6.0 ones, as the real server fills them. The
 * 20.6.0 `no_stream` expectation is `ulong.MaxValue`, which the generated code cannot carry (it is
 * a JS number there), so that one field is left out; no client reads it.
 */
function wrongExpectedVersion(
  current: number,
  expected: ExpectedRevision,
): streamsPb.AppendResp.WrongExpectedVersion {
  const wev = new streamsPb.AppendResp.WrongExpectedVersion();
  if (current === NO_STREAM) {
    wev.setCurrentNoStream(new sharedPb.Empty()).setNoStream2060(new sharedPb.Empty());
  } else {
    wev.setCurrentRevision(String(current)).setCurrentRevision2060(current);
  }
  switch (expected.kind) {
    case 'any':
      wev.setExpectedAny(new sharedPb.Empty()).setAny2060(new sharedPb.Empty());
      break;
    case 'stream_exists':
      wev.setExpectedStreamExists(new sharedPb.Empty()).setStreamExists2060(new sharedPb.Empty());
      break;
    case 'no_stream':
      wev.setExpectedNoStream(new sharedPb.Empty());
      break;
    case 'exact':
      wev.setExpectedRevision(expected.revision.toString());
      if (expected.revision <= BigInt(Number.MAX_SAFE_INTEGER))
        wev.setExpectedRevision2060(Number(expected.revision));
      break;
  }
  return wev;
}
